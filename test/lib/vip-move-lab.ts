// The lab both neighbour-announcement tests use: hosts a and b can hold a VIP, host c talks to it
// and so caches whichever MAC answered last. A test moves the VIP from a to b and checks that c
// learns b's MAC from the announcement alone.

import type { Host, Lab } from './netns.ts';

export interface VipMoveLab {
  readonly a: Host;
  readonly b: Host;
  readonly c: Host;
}

/** Declares the three hosts on one switch and brings the lab up. */
export async function vipMoveLab(lab: Lab): Promise<VipMoveLab> {
  const lan = lab.switch('lan');
  const a = lab.host('a').link(lan, { ifname: 'eth0', addresses: ['198.51.100.5/24'] });
  const b = lab.host('b').link(lan, { ifname: 'eth0', addresses: ['198.51.100.6/24'] });
  const c = lab.host('c').link(lan, { ifname: 'eth0', addresses: ['198.51.100.100/24'] });
  await lab.up();
  return { a, b, c };
}

/** The MAC `host` has cached for `address` on eth0, lower case, or undefined. */
export async function neighborMac(host: Host, address: string): Promise<string | undefined> {
  const result = await host.exec(['ip', '-json', 'neigh', 'show', address, 'dev', 'eth0']);
  const [entry] = JSON.parse(result.stdout || '[]') as Array<{ lladdr?: string }>;
  return entry?.lladdr?.toLowerCase();
}
