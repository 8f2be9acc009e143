// Whether a text looks like a keepalived.conf. Apart from the reader so that detecting the format
// of a haproxy.cfg does not load the whole keepalived reader (see config/load.ts).

/** Block words only keepalived uses; each found at a line start raises the score */
const blockWords = /^\s*(global_defs|vrrp_instance|vrrp_script|vrrp_sync_group|virtual_server|virtual_server_group|real_server|static_ipaddress|static_routes|track_file)\b[^\n]*\{?/gm;
/** words only haproxy uses, which make a file unlikely to be keepalived's */
const haproxyWords = /^\s*(frontend|backend|listen|defaults)\b/m;

export function sniffKeepalived(text: string): number {
  const hits = text.match(blockWords)?.length ?? 0;
  if (hits === 0) return 0;
  const braces = text.includes('{') && text.includes('}') ? 0.2 : 0;
  const penalty = haproxyWords.test(text) ? 0.4 : 0;
  return Math.max(0, Math.min(1, 0.5 + 0.1 * Math.min(hits, 3) + braces - penalty));
}
