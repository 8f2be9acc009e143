// keepalived checkers against real servers on 127.0.0.1, seen the way an operator sees them: the
// engine's up/down/weight events and the desired LVS table of the virtual server.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { freePort } from '../proxy/harness.ts';
import { runKeepalivedChecks, wentUpOrDown } from './keepalived-harness.ts';

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** An HTTP server whose answer for each path the test changes as it goes */
async function httpServer(t: TestContext, port: number, pages: Map<string, { status: number; body: string }>): Promise<HttpServer> {
  const server = createHttpServer((req, res) => {
    const page = pages.get(req.url ?? '/') ?? { status: 404, body: 'not found\n' };
    res.writeHead(page.status, { 'content-type': 'text/plain' });
    res.end(page.body);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return server;
}

async function tcpServer(port: number): Promise<Server> {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

describe('keepalived HTTP_GET', () => {
  it('keeps a server with the wrong digest or status out and brings it in once the digest matches', async (t) => {
    const [good, changing, error] = [await freePort(), await freePort(), await freePort()];
    const pages = new Map([
      ['/good', { status: 200, body: 'good\n' }],
      ['/changing', { status: 200, body: 'old\n' }],
      ['/error', { status: 500, body: 'good\n' }],
    ]);
    for (const port of [good, changing, error]) await httpServer(t, port, pages);
    const realServer = (port: number, path: string, extra = ''): string => `  real_server 127.0.0.1 ${port} {
    HTTP_GET {
      url {
        path ${path}
        digest ${md5('good\n')}
${extra}
      }
      connect_timeout 1
      # HTTP_GET retries after 3 s by default
      delay_before_retry 0.1
    }
  }`;
    const run = runKeepalivedChecks(
      t,
      `virtual_server 127.0.0.15 80 {
  delay_loop 0.3
  alpha
${realServer(good, '/good')}
${realServer(changing, '/changing')}
${realServer(error, '/error', '        status_code 200')}
}
`,
    );
    const vs = 'vs:127.0.0.15:80';
    await run.waitForEvent(wentUpOrDown(`${vs}/127.0.0.1:${good}`, true), 3_000);
    // give the other two two more rounds to prove they stay out
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.deepEqual(run.table(vs), [`127.0.0.1:${good} 1`]);
    const last = (id: string): string | undefined => run.engine.get(id)?.lastCheck?.info;
    assert.match(last(`${vs}/127.0.0.1:${changing}`) ?? '', /MD5 digest mismatch: got [0-9a-f]{32}, expected/);
    assert.match(last(`${vs}/127.0.0.1:${error}`) ?? '', /HTTP status check returned code <500>/);

    pages.set('/changing', { status: 200, body: 'good\n' });
    const up = await run.waitForEvent(wentUpOrDown(`${vs}/127.0.0.1:${changing}`, true), 2_000);
    assert.ok(up);
    assert.deepEqual(run.table(vs), [`127.0.0.1:${good} 1`, `127.0.0.1:${changing} 1`]);

    // a right digest does not excuse a status outside status_code
    pages.set('/good', { status: 503, body: 'good\n' });
    await run.waitForEvent(wentUpOrDown(`${vs}/127.0.0.1:${good}`, false), 3_000);
    assert.deepEqual(run.table(vs), [`127.0.0.1:${changing} 1`]);
  });
});

describe('keepalived MISC_CHECK with misc_dynamic', () => {
  it('moves the weight with the exit status: 0 configured weight, 1 down, 2..255 weight status - 2', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-misc-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const script = join(dir, 'check.sh');
    const codeFile = join(dir, 'code');
    writeFileSync(script, `#!/bin/sh\nexit $(cat ${codeFile})\n`);
    chmodSync(script, 0o755);
    const setCode = (code: number): void => writeFileSync(codeFile, String(code));
    setCode(0);
    const run = runKeepalivedChecks(
      t,
      `virtual_server 127.0.0.15 80 {
  delay_loop 0.2
  real_server 127.0.0.1 80 {
    weight 5
    MISC_CHECK {
      misc_path "${script}"
      misc_timeout 2
      misc_dynamic
    }
  }
}
`,
    );
    const vs = 'vs:127.0.0.15:80';
    const id = `${vs}/127.0.0.1:80`;
    const weightBecomes = (weight: number) => (e: Parameters<Parameters<typeof run.waitForEvent>[0]>[0]): boolean =>
      e.type === 'state' && e.server.id === id && e.server.weight === weight && e.previous.weight !== weight;

    await run.waitForEvent((e) => e.type === 'check' && e.server.id === id && e.outcome.ok, 2_000);
    assert.deepEqual(run.table(vs), ['127.0.0.1:80 5']);

    setCode(12);
    await run.waitForEvent(weightBecomes(10), 2_000);
    assert.deepEqual(run.table(vs), ['127.0.0.1:80 10']);

    setCode(0);
    await run.waitForEvent(weightBecomes(5), 2_000);
    assert.deepEqual(run.table(vs), ['127.0.0.1:80 5']);

    // MISC_CHECK's retry default is 0: the first failing run takes it out
    setCode(1);
    await run.waitForEvent(wentUpOrDown(id, false), 2_000);
    assert.deepEqual(run.table(vs), []);

    setCode(2);
    const back = await run.waitForEvent(wentUpOrDown(id, true), 2_000);
    assert.equal(back.event.server.weight, 0);
    assert.deepEqual(run.table(vs), ['127.0.0.1:80 0']);

    const logs = run.transitions.flatMap((tr) => tr.transition.logs);
    const service = '[127.0.0.1]:tcp:80';
    assert.deepEqual(logs, [
      'Gained quorum 1+0=1 <= 5 for VS [127.0.0.15]:tcp:80',
      `Changing weight from 5 to 10 for active service ${service} of VS [127.0.0.15]:tcp:80`,
      `Changing weight from 10 to 5 for active service ${service} of VS [127.0.0.15]:tcp:80`,
      `Removing service ${service} from VS [127.0.0.15]:tcp:80`,
      'Lost quorum 1-0=1 > 0 for VS [127.0.0.15]:tcp:80',
      `Changing weight from 5 to 0 for inactive service ${service} of VS [127.0.0.15]:tcp:80`,
      `Adding service ${service} to VS [127.0.0.15]:tcp:80`,
    ]);
    t.diagnostic(logs.join(' | '));
  });
});

describe('several checkers on one keepalived real server', () => {
  it('keeps the server out while any of its checkers fails', async (t) => {
    const [webPort, adminPort] = [await freePort(), await freePort()];
    const pages = new Map([['/health', { status: 500, body: 'starting\n' }]]);
    await httpServer(t, webPort, pages);
    const admin = await tcpServer(adminPort);
    t.after(() => new Promise<void>((resolve) => admin.close(() => resolve())));
    const run = runKeepalivedChecks(
      t,
      `virtual_server 127.0.0.15 80 {
  delay_loop 0.2
  real_server 127.0.0.1 ${webPort} {
    weight 3
    TCP_CHECK {
      connect_port ${adminPort}
      connect_timeout 1
      retry 0
    }
    HTTP_GET {
      url {
        path /health
      }
      connect_timeout 1
      retry 0
    }
  }
}
`,
    );
    const vs = 'vs:127.0.0.15:80';
    const id = `${vs}/127.0.0.1:${webPort}`;
    assert.equal(run.checks.servers[0]?.probes.length, 2);
    // the HTTP check fails while the TCP one passes: the server goes out
    await run.waitForEvent(wentUpOrDown(id, false), 2_000);
    assert.deepEqual(run.table(vs), []);
    pages.set('/health', { status: 200, body: 'ok\n' });
    await run.waitForEvent(wentUpOrDown(id, true), 2_000);
    assert.deepEqual(run.table(vs), [`127.0.0.1:${webPort} 3`]);
    // now the TCP check fails: out again, although HTTP still passes
    await new Promise<void>((resolve) => admin.close(() => resolve()));
    await run.waitForEvent(wentUpOrDown(id, false), 2_000);
    assert.deepEqual(run.table(vs), []);
  });
});

describe('sorry_server and inhibit_on_failure with live checks', () => {
  it('swaps in the sorry server when the last real server fails and back when one returns', async (t) => {
    const [port1, port2] = [await freePort(), await freePort()];
    const servers = [await tcpServer(port1), await tcpServer(port2)];
    t.after(() => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))));
    const realServer = (port: number, extra = ''): string => `  real_server 127.0.0.1 ${port} {
    weight 2
${extra}
    TCP_CHECK {
      connect_timeout 1
      retry 1
      delay_before_retry 0.1
    }
  }`;
    const run = runKeepalivedChecks(
      t,
      `virtual_server 127.0.0.15 80 {
  delay_loop 0.2
  sorry_server 127.0.0.5 80
${realServer(port1)}
${realServer(port2, '    inhibit_on_failure')}
}
`,
    );
    const vs = 'vs:127.0.0.15:80';
    assert.deepEqual(run.table(vs), [`127.0.0.1:${port1} 2`, `127.0.0.1:${port2} 2`]);
    await new Promise<void>((resolve) => servers[0]?.close(() => resolve()));
    await run.waitForEvent(wentUpOrDown(`${vs}/127.0.0.1:${port1}`, false), 2_000);
    assert.deepEqual(run.table(vs), [`127.0.0.1:${port2} 2`]);
    await new Promise<void>((resolve) => servers[1]?.close(() => resolve()));
    await run.waitForEvent(wentUpOrDown(`${vs}/127.0.0.1:${port2}`, false), 2_000);
    assert.deepEqual(run.table(vs), [`127.0.0.1:${port2} 0`, '127.0.0.5:80 1']);
    servers[0] = await tcpServer(port1);
    await run.waitForEvent(wentUpOrDown(`${vs}/127.0.0.1:${port1}`, true), 2_000);
    assert.deepEqual(run.table(vs), [`127.0.0.1:${port1} 2`, `127.0.0.1:${port2} 0`]);
  });
});
