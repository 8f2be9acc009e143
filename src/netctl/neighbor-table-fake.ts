// A NeighborTablePort for tests: a fixed table the test fills, recording every lookup.
import { NetctlError, NetctlErrorCode } from './errors.ts';
import { fail, ok, type HostResult } from './result.ts';
import type { Neighbor, NeighborTablePort } from './neighbor-table.ts';

export class FakeNeighborTablePort implements NeighborTablePort {
  readonly neighbors = new Map<string, Neighbor>();
  readonly macs = new Map<string, string>();
  readonly resolved: string[] = [];

  constructor(neighbors: readonly Neighbor[] = [], macs: Readonly<Record<string, string>> = {}) {
    for (const neighbor of neighbors) this.neighbors.set(neighbor.address, neighbor);
    for (const [name, mac] of Object.entries(macs)) this.macs.set(name, mac);
  }

  resolve(address: string): Promise<HostResult<Neighbor | undefined>> {
    this.resolved.push(address);
    return Promise.resolve(ok(this.neighbors.get(address)));
  }

  interfaceMac(interfaceName: string): Promise<HostResult<string>> {
    const mac = this.macs.get(interfaceName);
    if (mac === undefined) return Promise.resolve(fail(new NetctlError(NetctlErrorCode.invalid, `Cannot read the MAC of "${interfaceName}": no such interface`)));
    return Promise.resolve(ok(mac));
  }
}
