// The scenarios of issue 8 and the three proxies that run them. A scenario says what load, on
// which listener (haproxy.cfg's HTTP frontend or its `mode tcp` listener), and with how many
// proxy threads; a proxy says how to start itself from the generated configs.
import type { BenchFiles, Ports } from './configs.ts';
import type { Load } from './load.ts';
import type { ProcessGroup, Started } from './processes.ts';

export interface Scenario {
  readonly name: string;
  readonly title: string;
  readonly load: Load;
  readonly listener: 'http' | 'tcp';
  /** proxy threads: vigil --workers, HAProxy nbthread, nginx worker_processes */
  readonly threads: 1 | 2;
  /** measured seconds of a wrk run (ab runs are bounded by their request count) */
  readonly seconds: number;
}

export const scenarios: readonly Scenario[] = [
  {
    name: 'get-c50',
    title: 'small keep-alive GET, 50 connections',
    load: { kind: 'wrk', threads: 1, connections: 50, path: '/small', script: 'report' },
    listener: 'http',
    threads: 1,
    seconds: 10,
  },
  {
    name: 'get-c200',
    title: 'small keep-alive GET, 200 connections',
    load: { kind: 'wrk', threads: 1, connections: 200, path: '/small', script: 'report' },
    listener: 'http',
    threads: 1,
    seconds: 10,
  },
  {
    name: 'new-conn',
    title: 'new connection per request (ab, no keep-alive)',
    load: { kind: 'ab', concurrency: 100, requests: 20000, path: '/small' },
    listener: 'http',
    threads: 1,
    seconds: 0,
  },
  {
    name: 'body-64k',
    title: '64 KiB response bodies, keep-alive, 50 connections',
    load: { kind: 'wrk', threads: 1, connections: 50, path: '/64k', script: 'report' },
    listener: 'http',
    threads: 1,
    seconds: 10,
  },
  {
    name: 'upload-1m',
    title: '1 MiB POST bodies, keep-alive, 10 connections',
    load: { kind: 'wrk', threads: 1, connections: 10, path: '/upload', script: 'upload' },
    listener: 'http',
    threads: 1,
    seconds: 5,
  },
  {
    name: 'tcp',
    title: 'mode tcp, small keep-alive GET through it, 50 connections',
    load: { kind: 'wrk', threads: 1, connections: 50, path: '/small', script: 'report' },
    listener: 'tcp',
    threads: 1,
    seconds: 10,
  },
  {
    name: 'get-c200-2t',
    title: 'small keep-alive GET, 200 connections, 2 proxy threads',
    load: { kind: 'wrk', threads: 1, connections: 200, path: '/small', script: 'report' },
    listener: 'http',
    threads: 2,
    seconds: 10,
  },
];

export type ProxyName = 'vigil' | 'haproxy' | 'nginx';
export const proxyNames: readonly ProxyName[] = ['vigil', 'haproxy', 'nginx'];

export interface ProxyContext {
  readonly group: ProcessGroup;
  readonly files: BenchFiles;
  readonly ports: Ports;
  readonly vigil: string;
  readonly cpus: string;
  /** extra environment for vigil's Node (NODE_OPTIONS for --cpu-prof) */
  readonly vigilEnv?: NodeJS.ProcessEnv;
}

export interface Proxy {
  readonly name: ProxyName;
  start(context: ProxyContext, threads: number): Started;
  port(ports: Ports, listener: 'http' | 'tcp'): number;
  /** every port it listens on, to wait for at start and for their release at stop */
  listens(ports: Ports, nginxStream: boolean): number[];
}

export const proxies: Readonly<Record<ProxyName, Proxy>> = {
  vigil: {
    name: 'vigil',
    start: (c, threads) =>
      c.group.start({
        name: `vigil (${threads} worker${threads > 1 ? 's' : ''})`,
        command: c.vigil,
        args: ['run', '-f', c.files.haproxyCfg(threads), '--workers', String(threads)],
        cpus: c.cpus,
        env: { ...process.env, ...c.vigilEnv },
      }),
    port: (p, listener) => (listener === 'http' ? p.cfgHttp : p.cfgTcp),
    listens: (p) => [p.cfgHttp, p.cfgTcp],
  },
  haproxy: {
    name: 'haproxy',
    start: (c, threads) =>
      // -db: foreground, no master-worker: one process whose VmHWM is the peak RSS
      c.group.start({ name: `haproxy (nbthread ${threads})`, command: 'haproxy', args: ['-db', '-f', c.files.haproxyCfg(threads)], cpus: c.cpus }),
    port: (p, listener) => (listener === 'http' ? p.cfgHttp : p.cfgTcp),
    listens: (p) => [p.cfgHttp, p.cfgTcp],
  },
  nginx: {
    name: 'nginx',
    start: (c, threads) =>
      c.group.start({
        name: `nginx proxy (${threads} worker${threads > 1 ? 's' : ''})`,
        command: 'nginx',
        args: ['-p', c.files.dir, '-c', c.files.nginxProxyConf(threads)],
        cpus: c.cpus,
      }),
    port: (p, listener) => (listener === 'http' ? p.nginxHttp : p.nginxTcp),
    listens: (p, stream) => (stream ? [p.nginxHttp, p.nginxTcp] : [p.nginxHttp]),
  },
};
