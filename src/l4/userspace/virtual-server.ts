// The user-space data path's entry point: runs one keepalived virtual_server (TCP or UDP,
// address and port) without IPVS, for when vigil is not root, not on Linux, or the kernel path
// cannot give a scheduler the live connection counts it needs. The same scheduler algorithms and
// persistence rules as the kernel path; the differences a relay brings are listed in
// tcp-virtual-server.ts and udp-virtual-server.ts (the real server sees vigil as the client).
//
//   const vs = await startUserspaceVirtualServer(spec, findLvsScheduler('wlc').algorithm, {});
//   vs.update(transition.table);  // after each VirtualServerState transition
//   vs.stats();                   // per real server: active, inactive, connections, bytes
//   await vs.stop();
import { ErrorCode, VigilError } from '../../core/errors.ts';
import type { VirtualServer } from '../../config/keepalived/model.ts';
import type { LvsSchedulerAlgorithm, SchedulerFlag } from '../schedulers/scheduler.ts';
import { Dispatcher, type UserspaceRealServer } from './dispatcher.ts';
import { TcpVirtualServer } from './tcp-virtual-server.ts';
import { UdpVirtualServer } from './udp-virtual-server.ts';

export type { UserspaceRealServer };

export interface UserspaceVirtualServerSpec {
  /** the VIP: any address the host has (loopback addresses included), or 0.0.0.0 / :: */
  readonly address: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** `lvs_flags`/scheduler flags of the virtual server */
  readonly flags?: readonly SchedulerFlag[];
  readonly persistence?: { readonly timeoutMs: number; readonly granularity?: string };
  /** the starting table; `update` replaces it */
  readonly realServers?: readonly UserspaceRealServer[];
}

export interface UserspaceOptions {
  /** keepalived's connect_timeout default: 5 s */
  readonly connectTimeoutMs?: number;
  /** further real servers a TCP connection tries after a refusal or connect timeout (default 2) */
  readonly retries?: number;
  /** TCP: IPVS's established timeout (900 s); UDP: its udp timeout (300 s) */
  readonly idleTimeoutMs?: number;
  /** how long a closed TCP connection counts as inactive (default 10 s; see server-stats.ts) */
  readonly inactiveLingerMs?: number;
  /** the kernel sysctl expire_quiescent_template (default off: a quiesced server keeps its persistent clients) */
  readonly expireQuiescentTemplate?: boolean;
  /** UDP flows held at once (default 8192) */
  readonly maxUdpFlows?: number;
  /** monotonic milliseconds (persistence, lblc/lblcr ages, linger); performance.now by default */
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface RealServerStats {
  readonly address: string;
  readonly port: number;
  readonly weight: number;
  /** connecting or established (IPVS ActiveConn) */
  readonly active: number;
  /** half-closed, recently closed, or a UDP flow (IPVS InActConn) */
  readonly inactive: number;
  /** flows scheduled to it since it joined the table (IPVS Conns) */
  readonly connections: number;
  /** client to real server */
  readonly bytesIn: number;
  /** real server to client */
  readonly bytesOut: number;
}

export interface VirtualServerCounters {
  /** new flows no real server could take */
  readonly unscheduled: number;
  /** TCP connects to a real server that were refused or timed out */
  readonly connectFailures: number;
  /** of those, the ones retried on another server */
  readonly retried: number;
  readonly persistenceTemplates: number;
}

export interface UserspaceVirtualServer {
  /** the port listened on (the spec's, or the one the system chose for port 0) */
  readonly port: number;
  /** Replaces the real servers in one step; flows to servers that left are closed */
  update(realServers: readonly UserspaceRealServer[]): void;
  /** per real server id, in table order */
  stats(): ReadonlyMap<string, RealServerStats>;
  counters(): VirtualServerCounters;
  stop(): Promise<void>;
}

const defaults = {
  connectTimeoutMs: 5000,
  retries: 2,
  tcpIdleTimeoutMs: 900_000,
  udpIdleTimeoutMs: 300_000,
  inactiveLingerMs: 10_000,
  maxUdpFlows: 8192,
} as const;

export async function startUserspaceVirtualServer(
  spec: UserspaceVirtualServerSpec,
  algorithm: LvsSchedulerAlgorithm,
  options: UserspaceOptions = {},
): Promise<UserspaceVirtualServer> {
  const now = options.now ?? (() => performance.now());
  const dispatcher = new Dispatcher({
    algorithm,
    flags: new Set(spec.flags ?? []),
    virtualPort: spec.port,
    expireQuiescentTemplate: options.expireQuiescentTemplate ?? false,
    now,
    ...(spec.persistence === undefined ? {} : { persistence: spec.persistence }),
    ...(options.random === undefined ? {} : { random: options.random }),
  });
  dispatcher.update(spec.realServers ?? []);
  const path =
    spec.protocol === 'TCP'
      ? new TcpVirtualServer(dispatcher, {
          connectTimeoutMs: options.connectTimeoutMs ?? defaults.connectTimeoutMs,
          retries: options.retries ?? defaults.retries,
          idleTimeoutMs: options.idleTimeoutMs ?? defaults.tcpIdleTimeoutMs,
          lingerMs: options.inactiveLingerMs ?? defaults.inactiveLingerMs,
          now,
        })
      : new UdpVirtualServer(dispatcher, {
          idleTimeoutMs: options.idleTimeoutMs ?? defaults.udpIdleTimeoutMs,
          maxFlows: options.maxUdpFlows ?? defaults.maxUdpFlows,
          now,
        });
  await path.listen(spec.address, spec.port);
  // expired persistence templates are otherwise only removed when their client returns
  const persistenceSweeper =
    spec.persistence === undefined ? undefined : setInterval(() => dispatcher.persistence?.sweep(), Math.min(60_000, Math.max(1000, spec.persistence.timeoutMs)));
  persistenceSweeper?.unref();

  return {
    port: path.port,
    update(realServers) {
      path.closeFlowsOf(dispatcher.update(realServers));
    },
    stats() {
      const at = now();
      const stats = new Map<string, RealServerStats>();
      for (const server of dispatcher.servers) {
        const s = server.stats;
        stats.set(server.id, {
          address: server.address,
          port: server.port,
          weight: server.weight,
          active: s.active,
          inactive: s.inactive(at),
          connections: s.connections,
          bytesIn: s.bytesIn,
          bytesOut: s.bytesOut,
        });
      }
      return stats;
    },
    counters() {
      return {
        unscheduled: path instanceof TcpVirtualServer ? path.unscheduled : path.dropped,
        connectFailures: path instanceof TcpVirtualServer ? path.connectFailures : 0,
        retried: path instanceof TcpVirtualServer ? path.retried : 0,
        persistenceTemplates: dispatcher.persistence?.size ?? 0,
      };
    },
    stop() {
      clearInterval(persistenceSweeper);
      return path.stop();
    },
  };
}

/**
 * The spec for a keepalived virtual_server, or a VigilError (code VIGIL_ERR_CONFIG_INVALID) for
 * what the user-space path cannot run: firewall-mark and group virtual servers (no address to
 * listen on), port 0 ("all ports"), and SCTP (Node has no SCTP sockets).
 */
export function userspaceSpecFromKeepalived(virtualServer: VirtualServer): UserspaceVirtualServerSpec {
  const target = virtualServer.target;
  const where = `${virtualServer.at.file}:${virtualServer.at.line}`;
  if (target.kind !== 'address') {
    throw new VigilError(ErrorCode.configInvalid, `Cannot run virtual_server ${target.kind} at ${where} in user space: it needs an address and port to listen on`);
  }
  if (target.port === undefined || target.port === 0) {
    throw new VigilError(ErrorCode.configInvalid, `Cannot run virtual_server ${target.address.address} at ${where} in user space without a port`);
  }
  const protocol = virtualServer.protocol ?? 'TCP';
  if (protocol === 'SCTP') {
    throw new VigilError(ErrorCode.configInvalid, `Cannot run virtual_server ${target.address.address} ${target.port} at ${where} in user space: SCTP is not supported`);
  }
  return {
    address: target.address.address,
    port: target.port,
    protocol,
    flags: virtualServer.schedulerFlags,
    ...(virtualServer.persistenceTimeoutS === undefined
      ? {}
      : {
          persistence: {
            timeoutMs: virtualServer.persistenceTimeoutS * 1000,
            ...(virtualServer.persistenceGranularity === undefined ? {} : { granularity: virtualServer.persistenceGranularity }),
          },
        }),
  };
}
