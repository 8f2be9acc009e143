// The VRRP thread: its own event loop, so adverts leave on time whatever the proxy's data path or
// the control thread are doing. Owns the raw sockets and the router; reports logs and status.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { systemClock } from '../core/clock.ts';
import { LinuxAddressPort } from '../netctl/address-linux.ts';
import { LinuxLinkPort } from '../netctl/link-linux.ts';
import { LinuxNeighborAnnouncePort } from '../netctl/neighbor-announce-linux.ts';
import { LinuxScriptPort } from '../netctl/script-linux.ts';
import { LinuxVrrpSocketPort } from '../netctl/vrrp-socket-linux.ts';
import { loadVrrpAddon } from '../netctl/native-addon.ts';
import { NativeNeighborAnnouncePort } from '../netctl/neighbor-announce-native.ts';
import type { IpFamily } from './constants.ts';
import { NetctlVrrpHost } from './netctl-host.ts';
import { VrrpRouter } from './router.ts';
import type { FromVrrpWorker, ToVrrpWorker, VrrpWorkerData } from './worker-protocol.ts';

function channel(): MessagePort {
  if (parentPort === null) throw new Error('vrrp/worker.ts runs as a worker thread');
  return parentPort;
}
const port = channel();
const data = workerData as VrrpWorkerData;
const send = (message: FromVrrpWorker): void => port.postMessage(message);
const log = (line: string): void => send({ type: 'log', line });

process.on('uncaughtException', (error) => log(`VRRP thread error: ${error.stack ?? error.message}`));

/**
 * Raises this thread's scheduling priority before any socket opens (their receive threads inherit
 * it), so a busy proxy or a loaded host cannot starve the adverts. vigil's default is -10;
 * keepalived's `vrrp_priority` sets it. Only root may go below 0; otherwise it is just logged.
 */
function raisePriority(): void {
  const addon = loadVrrpAddon();
  if (addon instanceof Error) return;
  const nice = data.config.globalDefs.vrrpPriority ?? -10;
  const errno = addon.setThreadNice(nice);
  if (errno !== 0) log(`Cannot set the VRRP thread's priority to ${nice} (errno ${errno}); adverts may be late on a busy host`);
}

async function start(): Promise<void> {
  raisePriority();
  const addresses = new LinuxAddressPort();
  const addon = loadVrrpAddon();
  // gratuitous ARPs from the addon's packet socket; arping only if the addon is missing
  const announce = addon instanceof Error ? new LinuxNeighborAnnouncePort() : new NativeNeighborAnnouncePort(addon);
  const host = new NetctlVrrpHost(
    { sockets: new LinuxVrrpSocketPort(), addresses, announce, links: new LinuxLinkPort(), scripts: new LinuxScriptPort() },
    log,
  );
  await host.init();
  // each interface's own address: the adverts' source and the tie-breaker between equal priorities
  const listed = await addresses.list();
  const primaries = new Map<string, string>();
  if (listed.ok) {
    for (const a of listed.value) {
      const key = `${a.interface}/${a.address.includes(':') ? 6 : 4}`;
      if (!primaries.has(key)) primaries.set(key, a.address);
    }
  }
  const dependencies = { host, clock: systemClock, log, primaryAddressOf: (iface: string, family: IpFamily) => primaries.get(`${iface}/${family}`) };
  let router = new VrrpRouter(data.config, dependencies);
  const attach = (current: VrrpRouter): void => {
    for (const instance of current.instances) {
      const c = instance.config;
      // packets go to whichever router is current, so a reload needs no new socket
      host.listen(c.interface, c.family, c.unicastPeers.length === 0, (packet) => {
        router.receive(packet.interface, packet.family as IpFamily, { source: packet.from, destination: packet.to, ttl: packet.ttl, payload: packet.data });
      });
      instance.onTransition(() => send({ type: 'status', instances: router.status() }));
    }
  };
  attach(router);
  const backendHealth = new Map<string, boolean>();
  port.on('message', (message: ToVrrpWorker) => {
    if (message.type === 'backend-health') {
      backendHealth.set(message.backend, message.available);
      router.setBackendHealth(message.backend, message.available);
      return;
    }
    if (message.type === 'reload') {
      const next = new VrrpRouter(message.config, dependencies, router);
      for (const [backend, available] of backendHealth) next.setBackendHealth(backend, available);
      const previous = router;
      router = next;
      attach(next);
      next.takeOver(previous);
      send({ type: 'status', instances: router.status() });
      log('Reload finished');
      return;
    }
    router.stop();
    // the priority-0 adverts are out; wait until the addresses are really gone before exiting
    void host.settled().then(() => {
      host.close();
      send({ type: 'stopped' });
      port.close();
    });
  });
  router.start();
  send({ type: 'status', instances: router.status() });
  send({ type: 'ready' });
}

void start().catch((error: unknown) => send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
