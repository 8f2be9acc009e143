// HAProxy's runtime API on the global section's `stats socket` lines: unix stream sockets (and
// `ipv4@host:port` / `ipv6@...` TCP sockets), each with its `level` (default operator, as in
// HAProxy 2.x) and `mode`, idle connections closed after `stats timeout` (default 10s).
//
// Non-interactive use (`echo "show info" | socat stdio /run/vigil/admin.sock`) answers the lines
// received and closes, like HAProxy; `prompt` switches to interactive mode, where the connection
// stays open with a "> " prompt until `quit`.
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { StatsSocket } from '../config/haproxy/model.ts';
import type { RunningSubsystem } from '../daemon/subsystem.ts';
import { executeLine, type CliLevel, type CliSession, type CommandRegistry } from './cli.ts';
import type { AdminContext } from './context.ts';

/** HAProxy's default `stats timeout` */
export const defaultCliTimeoutMs = 10_000;
/** a command line longer than this closes the connection (HAProxy's buffer is 16 kB) */
const maxLineBytes = 16 * 1024;

export interface RuntimeApiOptions {
  readonly context: AdminContext;
  readonly registry: CommandRegistry;
  readonly sockets: readonly StatsSocket[];
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** where one socket listens, in node's terms */
type Endpoint = { kind: 'unix'; path: string; mode?: number } | { kind: 'tcp'; host: string; port: number };

export function endpointOf(socket: StatsSocket): Endpoint | string {
  const a = socket.address;
  if (a.family === 'unix') return { kind: 'unix', path: a.host, ...(socket.options.mode === undefined ? {} : { mode: socket.options.mode }) };
  if ((a.family === 'ipv4' || a.family === 'ipv6' || a.family === 'hostname') && a.ports !== undefined) {
    const host = a.host === '' || a.host === '*' ? (a.family === 'ipv6' ? '::' : '0.0.0.0') : a.host;
    return { kind: 'tcp', host, port: a.ports.from };
  }
  return `Cannot listen on stats socket "${a.text}": only unix and ipv4@/ipv6@ addresses are supported`;
}

/** the inode of a unix socket path, or undefined when there is none */
function socketInode(path: string): number | undefined {
  try {
    const stat = lstatSync(path);
    return stat.isSocket() ? stat.ino : undefined;
  } catch {
    return undefined;
  }
}

/** true when a process answers on the unix socket (another vigil or haproxy still running) */
function socketInUse(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(path);
    const done = (inUse: boolean): void => {
      probe.destroy();
      resolve(inUse);
    };
    probe.once('connect', () => done(true));
    probe.once('error', () => done(false));
    probe.setTimeout(500, () => done(false));
  });
}

export class RuntimeApi implements RunningSubsystem {
  readonly #options: RuntimeApiOptions;
  /** `inode`: of the unix socket this instance created, so stop() never removes another's */
  readonly #servers: { server: Server; endpoint: Endpoint; inode?: number }[] = [];
  readonly #connections = new Set<Socket>();

  constructor(options: RuntimeApiOptions) {
    this.#options = options;
  }

  /** listens on every socket; rejects (after closing what it opened) if one cannot listen */
  async start(): Promise<void> {
    try {
      for (const socket of this.#options.sockets) {
        const endpoint = endpointOf(socket);
        if (typeof endpoint === 'string') {
          this.#options.log?.(`[WARNING]  (${process.pid}) : ${endpoint}`);
          continue;
        }
        await this.#listen(endpoint, socket.options.level ?? 'operator');
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async #listen(endpoint: Endpoint, level: CliLevel): Promise<void> {
    if (endpoint.kind === 'unix' && socketInode(endpoint.path) !== undefined) {
      if (await socketInUse(endpoint.path)) throw new Error(`Cannot listen on stats socket "${endpoint.path}": another process is serving it`);
      // left behind by a process that died without cleaning up
      unlinkSync(endpoint.path);
    }
    const server = createServer((connection) => this.#serve(connection, level));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      const listening = (): void => {
        server.off('error', reject);
        server.on('error', (error) => this.#options.log?.(`[WARNING]  (${process.pid}) : stats socket: ${error.message}`));
        const inode = endpoint.kind === 'unix' ? socketInode(endpoint.path) : undefined;
        this.#servers.push({ server, endpoint, ...(inode === undefined ? {} : { inode }) });
        resolve();
      };
      if (endpoint.kind === 'unix') {
        server.listen(endpoint.path, () => {
          try {
            if (endpoint.mode !== undefined) chmodSync(endpoint.path, endpoint.mode);
          } catch (error) {
            this.#options.log?.(`[WARNING]  (${process.pid}) : cannot set mode of ${endpoint.path}: ${(error as Error).message}`);
          }
          listening();
        });
      } else {
        server.listen(endpoint.port, endpoint.host, listening);
      }
    });
  }

  #serve(connection: Socket, level: CliLevel): void {
    this.#connections.add(connection);
    connection.on('close', () => this.#connections.delete(connection));
    connection.on('error', () => connection.destroy());
    connection.setTimeout(this.#options.timeoutMs ?? defaultCliTimeoutMs, () => connection.destroy());
    const session: CliSession = { level, prompt: false, quit: false, context: this.#options.context };
    let buffer = '';
    let done = false;

    const runLine = (line: string): void => {
      const out = executeLine(line, session, this.#options.registry);
      connection.write(session.prompt && !session.quit ? `${out}> ` : out);
    };
    const finish = (): void => {
      done = true;
      connection.end();
    };

    connection.setEncoding('utf8');
    connection.on('data', (chunk: string) => {
      if (done) return;
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      if (newline === -1 && buffer.length > maxLineBytes) {
        finish();
        return;
      }
      let answered = false;
      while (newline !== -1 && !done) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        runLine(line);
        answered = true;
        if (session.quit) finish();
        newline = buffer.indexOf('\n');
      }
      // non-interactive: the lines received together are answered, then the connection closes
      if (!done && answered && !session.prompt) finish();
    });
    connection.on('end', () => {
      if (done) return;
      // a last command without its newline (`printf 'show info' | socat ...`)
      if (buffer.trim() !== '') runLine(buffer);
      finish();
    });
  }

  async stop(): Promise<void> {
    for (const connection of this.#connections) connection.destroy();
    await Promise.all(
      this.#servers.map(
        ({ server, endpoint, inode }) =>
          new Promise<void>((resolve) => {
            // the inode is read before closing: node may remove the path itself on close
            const ours = endpoint.kind === 'unix' && inode !== undefined && socketInode(endpoint.path) === inode;
            server.close(() => {
              if (ours && endpoint.kind === 'unix' && socketInode(endpoint.path) === inode) unlinkSync(endpoint.path);
              resolve();
            });
          }),
      ),
    );
    this.#servers.length = 0;
  }
}
