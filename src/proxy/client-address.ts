// A client's address as views, ACLs, headers and logs show it. On a dual-stack bind (`bind :::80
// v4v6`) the kernel reports an IPv4 client as an IPv4-mapped IPv6 address (RFC 4291 section
// 2.5.5.2, `::ffff:192.0.2.1`); vigil shows the plain IPv4 address, so one client looks the same
// whichever bind it came through. (HAProxy 2.6 keeps the mapped form in `src` and in logs.)

/** `::ffff:a.b.c.d` becomes `a.b.c.d`; any other address is returned as it is */
export function plainAddress(address: string | undefined): string {
  if (address === undefined) return '';
  return address.length > 7 && address.startsWith('::ffff:') && address.includes('.', 7) ? address.slice(7) : address;
}
