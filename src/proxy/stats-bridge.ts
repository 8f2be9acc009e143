// The stats page is served on a frontend's own port (HAProxy's `stats uri`), but rendered on the
// control thread, which knows server health, counters of every worker, VRRP and L4 state. A
// worker's session hands the request over as a message and writes back the bytes it gets.

/** A request for the stats page, as the control thread's renderer receives it */
export interface StatsRequest {
  readonly frontend: string;
  readonly method: string;
  /** request target as received (path and query, e.g. `/status;csv` or `/status?stats`) */
  readonly target: string;
  /** flat [name, value, ...] */
  readonly headers: readonly string[];
  readonly source: string;
  readonly sourcePort: number;
  /** the request body (admin form posts), at most `maxStatsBody` bytes */
  readonly body: Uint8Array;
}

/** Largest request body a stats page accepts (admin forms are a few hundred bytes) */
export const maxStatsBody = 64 * 1024;

/** What the data path needs: does this request go to the stats page, and its answer */
export interface StatsService {
  matches(target: string): boolean;
  /** resolves with a complete raw HTTP/1.1 response; never rejects */
  handle(request: StatsRequest): Promise<Uint8Array>;
}

/** The control thread's side: one renderer for every frontend with stats enabled */
export interface StatsRenderer {
  render(request: StatsRequest): Promise<Uint8Array>;
}

/** HAProxy's default when `stats enable` comes without `stats uri` */
export const defaultStatsUri = '/haproxy?stats';

/** The stats URI is a prefix: `/status`, `/status;csv`, `/status?stats;up` all match */
export function statsUriMatcher(uri: string): (target: string) => boolean {
  return (target) => target.startsWith(uri);
}
