// The proxy's own answers, worded and framed as HAProxy 2.6 sends them (captured from
// haproxy 2.6.12), so clients, monitoring and users see what they know. An `errorfile` replaces
// one of them with a file that holds a complete raw HTTP response, as in HAProxy.
import { readFileSync } from 'node:fs';

const pages: Readonly<Record<number, readonly [string, string]>> = {
  400: ['Bad request', 'Your browser sent an invalid request.'],
  401: ['Unauthorized', 'You need a valid user and password to access this content.'],
  403: ['Forbidden', 'Request forbidden by administrative rules.'],
  404: ['Not Found', 'The resource could not be found.'],
  405: ['Method Not Allowed', 'A request was made of a resource using a request method not supported by that resource'],
  407: ['Unauthorized', 'You need a valid user and password to access this content.'],
  408: ['Request Time-out', "Your browser didn't send a complete request in time."],
  410: ['Gone', 'The resource is no longer available and will not be available again.'],
  413: ['Payload Too Large', 'The request entity exceeds the maximum allowed.'],
  425: ['Too Early', 'Your browser sent early data.'],
  429: ['Too Many Requests', 'You have sent too many requests in a given amount of time.'],
  500: ['Internal Server Error', 'An internal server error occurred.'],
  501: ['Not Implemented', 'The server does not support the functionality required to fulfill the request.'],
  502: ['Bad Gateway', 'The server returned an invalid or incomplete response.'],
  503: ['Service Unavailable', 'No server is available to handle this request.'],
  504: ['Gateway Time-out', "The server didn't respond in time."],
};

export const errorStatuses: readonly number[] = Object.keys(pages).map(Number);

export function reasonPhrase(status: number): string {
  return pages[status]?.[0] ?? 'Unknown';
}

/** The page's HTML body, as HAProxy words it */
export function errorBody(status: number): string {
  const [reason, text] = pages[status] ?? ['Error', 'An error occurred.'];
  return `<html><body><h1>${status} ${reason}</h1>\n${text}\n</body></html>\n`;
}

/**
 * A complete response. `close` adds `Connection: close` (HAProxy closes after 400 and 408, which
 * it sends before a request could be understood); other errors keep the connection usable.
 */
export function buildErrorResponse(status: number, close: boolean, extraHeaders = ''): Buffer {
  const body = errorBody(status);
  const connection = close ? 'connection: close\r\n' : '';
  return Buffer.from(
    `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\ncontent-length: ${Buffer.byteLength(body)}\r\ncache-control: no-cache\r\n${connection}content-type: text/html\r\n${extraHeaders}\r\n${body}`,
    'latin1',
  );
}

/** Prebuilt answers per proxy, with the proxy's errorfile overrides applied once at start */
export class ErrorPages {
  readonly #keepOpen = new Map<number, Buffer>();
  readonly #closing = new Map<number, Buffer>();
  readonly #overridden = new Set<number>();

  constructor(errorFiles: ReadonlyMap<number, string> = new Map()) {
    for (const status of errorStatuses) {
      this.#keepOpen.set(status, buildErrorResponse(status, false));
      this.#closing.set(status, buildErrorResponse(status, true));
    }
    for (const [status, path] of errorFiles) {
      // HAProxy's errorfile is sent byte for byte: the file holds status line, headers and body
      const raw = readFileSync(path);
      this.#keepOpen.set(status, raw);
      this.#closing.set(status, raw);
      this.#overridden.add(status);
    }
  }

  /** the response bytes; `close` asks for the variant that announces the connection closes */
  get(status: number, close: boolean): Buffer {
    const map = close ? this.#closing : this.#keepOpen;
    return map.get(status) ?? buildErrorResponse(status, close);
  }

  /** an errorfile's framing is the user's, so after sending one the connection is closed */
  isOverridden(status: number): boolean {
    return this.#overridden.has(status);
  }
}
