// What a lab is made of, as plain data, and how each part translates into `ip -batch` lines.
// Host and Switch handles fill these models while a test declares its topology; Lab.up() hands
// them to the functions below. Nothing here runs a command.

export interface LinkModel {
  /** The interface name inside the host. */
  readonly ifname: string;
  readonly addresses: readonly string[];
}

/** The switch end of a host's link. The switch side creates the veth pair. */
export interface PortModel {
  readonly name: string;
  readonly ifindex: number;
  readonly hostNetns: string;
  /** The host end's name. */
  readonly ifname: string;
  /** The host end's MAC address; the kernel picks one when undefined. */
  readonly mac: string | undefined;
  /** Applied to both ends. */
  readonly mtu: number | undefined;
}

export interface RouteModel {
  /** "default" or a prefix. */
  readonly destination: string;
  readonly via: string | undefined;
  readonly dev: string | undefined;
  readonly src: string | undefined;
  readonly metric: number | undefined;
}

export interface HostModel {
  readonly name: string;
  readonly netns: string;
  readonly links: LinkModel[];
  readonly loopbackVips: string[];
  readonly routes: RouteModel[];
  /** In the order they were declared; a later entry for the same key wins. */
  readonly sysctls: Array<readonly [key: string, value: string]>;
}

export interface SwitchModel {
  readonly name: string;
  readonly netns: string;
  readonly ports: PortModel[];
}

/** The bridge inside every switch namespace. */
export const BRIDGE = 'br0';

// Switch ports get ifindexes from here up, far from the small ones the host ends receive
// (lo = 1, eth0 = 2, ...). The kernel's linkwatch handles a veth's carrier change at once only
// when the device's ifindex differs from its peer's (linkwatch_urgent_event compares ifindex
// with iflink); across namespaces the two can be equal by chance (eth1 = 3 in the host, its
// port = 3 in the switch), and then the port waited up to a second in state "disabled",
// dropping the first packets sent over it.
export const FIRST_PORT_IFINDEX = 1000;

// Applied to every host before its declared sysctls. A new namespace inherits IPv4 settings
// from the machine's root namespace (net.core.devconf_inherit_init_net=0), so a CI box with
// forwarding on would otherwise turn every host into a router; hosts that route opt in.
const BASELINE_SYSCTLS: ReadonlyArray<readonly [string, string]> = [['net.ipv4.ip_forward', '0']];

// What an LVS-DR real server needs so it accepts packets for a VIP on lo without claiming the
// VIP on the wire: arp_ignore=1 answers ARP only for addresses on the asking interface (the VIP
// is on lo, so never); arp_announce=2 never uses the VIP as the source of its own ARP requests.
// The kernel takes the maximum of "all" and the interface's value, so both are set.
const LOOPBACK_VIP_SYSCTLS: ReadonlyArray<readonly [string, string]> = [
  ['arp_ignore', '1'],
  ['arp_announce', '2'],
];

/** Batch for a switch namespace: lo, the bridge, and one veth pair per port. */
export function switchCommands(sw: SwitchModel): string[] {
  // Multicast snooping is off so the bridge floods every multicast frame, like a dumb switch:
  // VRRP's groups need no IGMP/MLD membership reports to get through. With STP off, a port
  // forwards as soon as it is up, with no listening/learning delay.
  const bridge = ['link set lo up', `link add ${BRIDGE} type bridge stp_state 0 mcast_snooping 0`, `link set ${BRIDGE} up`];
  const ports = sw.ports.flatMap((port) => {
    const mtu = port.mtu === undefined ? [] : ['mtu', String(port.mtu)];
    const mac = port.mac === undefined ? [] : ['address', port.mac];
    // Created from the switch side with the host end placed straight into the host's
    // namespace: neither end ever exists in the root namespace.
    const add = ['link add', port.name, 'index', String(port.ifindex), ...mtu, 'type veth peer name', port.ifname, ...mac, ...mtu, 'netns', port.hostNetns];
    return [add.join(' '), `link set ${port.name} master ${BRIDGE}`, `link set ${port.name} up`];
  });
  return [...bridge, ...ports];
}

/** Batch for a host namespace, run once its interfaces exist: addresses, links up, lo VIPs. */
export function hostCommands(host: HostModel): string[] {
  const commands = ['link set lo up'];
  for (const link of host.links) {
    for (const address of link.addresses) commands.push(`addr add ${address} dev ${link.ifname}`);
    commands.push(`link set ${link.ifname} up`);
  }
  for (const vip of host.loopbackVips) commands.push(`addr add ${vip} dev lo`);
  return commands;
}

export function routeCommand(route: RouteModel): string {
  return [
    'route add',
    route.destination,
    ...(route.via === undefined ? [] : ['via', route.via]),
    ...(route.dev === undefined ? [] : ['dev', route.dev]),
    ...(route.src === undefined ? [] : ['src', route.src]),
    ...(route.metric === undefined ? [] : ['metric', String(route.metric)]),
  ].join(' ');
}

/** Every sysctl a host gets, in the order to write them, as [/proc/sys path, value]. */
export function hostSysctls(host: HostModel): Array<readonly [path: string, value: string]> {
  const settings: Array<readonly [string, string]> = [...BASELINE_SYSCTLS];
  if (host.loopbackVips.length > 0) {
    for (const ifname of ['all', 'lo', ...host.links.map((link) => link.ifname)]) {
      for (const [name, value] of LOOPBACK_VIP_SYSCTLS) settings.push([`net/ipv4/conf/${ifname}/${name}`, value]);
    }
  }
  settings.push(...host.sysctls);
  return settings.map(([key, value]) => [sysctlPath(key), value]);
}

// "net.ipv4.ip_forward" -> "/proc/sys/net/ipv4/ip_forward"; a key already using '/' is kept,
// as sysctl(8) does, so interface names with dots can be addressed.
function sysctlPath(key: string): string {
  return `/proc/sys/${key.includes('/') ? key : key.replaceAll('.', '/')}`;
}

export function assertSysctl(key: string, value: string): void {
  if (!/^[a-zA-Z0-9_.\/-]+$/.test(key) || key.includes('..')) throw new Error(`Cannot set sysctl "${key}": not a sysctl name`);
  if (/[\n\0]/.test(value)) throw new Error(`Cannot set sysctl "${key}" to "${value}": the value has a newline`);
}

/** Accepts IPv4 "a.b.c.d/len" and IPv6 "x:y::z/len". */
export function assertCidr(value: string): void {
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (ipv4 !== null) {
    const octets = ipv4.slice(1, 5).map(Number);
    if (octets.every((octet) => octet <= 255) && Number(ipv4[5]) <= 32) return;
  } else if (/^[0-9a-fA-F:]+\/\d{1,3}$/.test(value) && value.includes(':')) {
    return;
  }
  throw new Error(`Cannot parse address "${value}": expected CIDR such as "198.51.100.10/24"`);
}
