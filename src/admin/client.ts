// The client side of the runtime API, for `vigil ctl` and `vigil lvs`: which socket to talk to,
// and one command sent, its answer read until the server closes.
import { createConnection } from 'node:net';
import type { HaproxyConfig } from '../config/haproxy/model.ts';
import { endpointOf } from './runtime-api.ts';

/** where `vigil ctl` looks without -s and without a config's `stats socket` */
export const defaultAdminSocket = '/run/vigil/admin.sock';

export type SocketTarget = { readonly path: string } | { readonly host: string; readonly port: number };

/** the first `stats socket` of a config that vigil can serve, as a connection target */
export function firstStatsSocket(config: HaproxyConfig | undefined): SocketTarget | undefined {
  for (const socket of config?.global.statsSockets ?? []) {
    const endpoint = endpointOf(socket);
    if (typeof endpoint === 'string') continue;
    if (endpoint.kind === 'unix') return { path: endpoint.path };
    return { host: endpoint.host === '0.0.0.0' ? '127.0.0.1' : endpoint.host === '::' ? '::1' : endpoint.host, port: endpoint.port };
  }
  return undefined;
}

/** `-s` takes a path, or `host:port` / `ipv4@host:port` for a TCP socket */
export function parseSocketTarget(text: string): SocketTarget {
  const bare = text.replace(/^(unix|ipv4|ipv6)@/, '');
  const tcp = /^\[?([^\]]*?)\]?:(\d+)$/.exec(bare);
  if (!text.startsWith('unix@') && !bare.includes('/') && tcp !== null) return { host: tcp[1] as string, port: Number(tcp[2]) };
  return { path: bare };
}

export function describeTarget(target: SocketTarget): string {
  return 'path' in target ? target.path : `${target.host}:${target.port}`;
}

/** sends `command` and resolves with the whole answer (ending with its empty line) */
export function sendCommand(target: SocketTarget, command: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = 'path' in target ? createConnection(target.path) : createConnection(target.port, target.host);
    let answer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`No answer from "${describeTarget(target)}" within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.write(`${command}\n`));
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', (hadError) => {
      if (!hadError) resolve(answer);
    });
  });
}

/** answers that mean the command did not do what was asked */
export function isFailure(answer: string): boolean {
  return /^(Permission denied|Unknown command|No such (backend|server)\.|Require '|Can't find backend|usage: )/.test(answer);
}
