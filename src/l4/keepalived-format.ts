// How keepalived names services in its logs (check_data.c FMT_RS / FMT_VS): `[address]:proto:port`,
// e.g. `[198.51.100.100]:tcp:80`; a fwmark service is `FWM 7`, a group `[web]:tcp:80`. Kept word
// for word so operators' log greps keep working.
import type { LvsProtocol, VirtualServer } from '../config/keepalived/model.ts';

export function serviceLabel(address: string, protocol: LvsProtocol | undefined, port: number | undefined): string {
  return `[${address}]:${(protocol ?? 'TCP').toLowerCase()}:${port ?? 0}`;
}

export function virtualServerLabel(vs: VirtualServer): string {
  const target = vs.target;
  switch (target.kind) {
    case 'address':
      return serviceLabel(target.address.address, vs.protocol, target.port);
    case 'fwmark':
      return `FWM ${target.fwmark}`;
    case 'group':
      return `[${target.group}]:${(vs.protocol ?? 'TCP').toLowerCase()}:0`;
  }
}
