// The demo's two web servers, so `npm start` shows balancing on a machine with nothing else on it.
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { lazyHttp } from '../../core/lazy-builtins.ts';

export const demoConfigPath = fileURLToPath(new URL('./haproxy.cfg', import.meta.url));

export const demoBackends = [
  { name: 'app1', port: 8081 },
  { name: 'app2', port: 8082 },
] as const;

export async function startDemoBackends(log: (line: string) => void): Promise<{ stop(): Promise<void> }> {
  const servers: Server[] = [];
  for (const backend of demoBackends) {
    const server = lazyHttp().createServer((request, response) => {
      const body = `Hello from ${backend.name} (127.0.0.1:${backend.port}), you asked for ${request.url ?? '/'}\n`;
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(backend.port, '127.0.0.1', () => resolve());
    });
    servers.push(server);
    log(`[NOTICE]   (${process.pid}) : demo web server ${backend.name} listening on 127.0.0.1:${backend.port}`);
  }
  return {
    stop: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
