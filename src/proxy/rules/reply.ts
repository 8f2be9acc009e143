// Responses the rules answer with themselves (deny, return, redirect), framed byte for byte as
// HAProxy 2.6.12 sends them (captured with curl and raw sockets): lower-case header names, the
// rule's own headers first, then content-length, then content-type, then connection.
import { listHas, headerValue } from '../http/head.ts';
import { errorBody, reasonPhrase as errorReason } from '../http/error-pages.ts';
import type { RequestView } from '../http/message-view.ts';

/** HAProxy's http_get_reason(), as 2.6.12 writes it (checked status by status with `return`) */
const reasons: Readonly<Record<number, string>> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  226: 'IM Used',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  303: 'See Other',
  304: 'Not Modified',
  305: 'Use Proxy',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Time-out',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Requested range unsatisfiable',
  417: 'Expectation failed',
  418: "I'm a teapot",
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  425: 'Too Early',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  499: 'client has closed connection',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway or Proxy Error',
  503: 'Service Unavailable',
  504: 'Gateway Time-out',
  505: 'HTTP Version not supported',
  511: 'Network authentication required',
};

export function statusReason(status: number): string {
  const known = reasons[status];
  if (known !== undefined) return known;
  // HAProxy falls back on the class of the status
  if (status >= 100 && status < 200) return 'Informational';
  if (status >= 200 && status < 300) return 'Success';
  if (status >= 300 && status < 400) return 'Redirection';
  if (status >= 400 && status < 500) return 'Client Error';
  if (status >= 500 && status < 600) return 'Server Error';
  return 'Other';
}

/** a redirect names its code its own way (HAProxy's redirect templates, not http_get_reason) */
const redirectReasons: Readonly<Record<number, string>> = {
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
};

/**
 * How the connection goes on after a reply: HTTP/1.0 closes unless the client asked for
 * keep-alive, HTTP/1.1 stays open unless it asked to close. The header line is what HAProxy adds.
 */
export interface ConnectionFate {
  readonly close: boolean;
  readonly header: string;
}

const keepOpen: ConnectionFate = { close: false, header: '' };
const closing: ConnectionFate = { close: true, header: 'connection: close\r\n' };
const keepAlive10: ConnectionFate = { close: false, header: 'connection: keep-alive\r\n' };

export function connectionFate(view: RequestView): ConnectionFate {
  const connection = headerValue(view.headers, 'connection');
  if (view.version === 10) return connection !== undefined && listHas(connection, 'keep-alive') ? keepAlive10 : closing;
  return connection !== undefined && listHas(connection, 'close') ? closing : keepOpen;
}

/** a HEAD request gets the head of the answer only (RFC 9110 section 9.3.2) */
export function bodyFor(view: RequestView, body: Buffer): Buffer | undefined {
  return view.method === 'HEAD' || body.length === 0 ? undefined : body;
}

export function assemble(head: string, body: Buffer | undefined): Buffer {
  const headBytes = Buffer.from(head, 'latin1');
  return body === undefined ? headBytes : Buffer.concat([headBytes, body]);
}

/** HAProxy's built-in error page for a deny, in the three connection variants */
export class DenyPage {
  readonly status: number;
  readonly #before: string;
  readonly #body: Buffer;

  constructor(status: number) {
    this.status = status;
    const body = errorBody(status);
    this.#body = Buffer.from(body, 'latin1');
    this.#before = `HTTP/1.1 ${status} ${errorReason(status)}\r\ncontent-length: ${this.#body.length}\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n`;
  }

  bytes(view: RequestView, fate: ConnectionFate): Buffer {
    return assemble(`${this.#before}${fate.header}\r\n`, bodyFor(view, this.#body));
  }
}

/** redirect codes HAProxy accepts, and whether it marks the answer `cache-control: no-cache` */
export const redirectCodes: ReadonlyMap<number, boolean> = new Map([
  [301, false],
  [302, true],
  [303, true],
  [307, true],
  [308, false],
]);

export function redirectBytes(code: number, location: string, fate: ConnectionFate, extraHeaders = ''): Buffer {
  const cache = redirectCodes.get(code) === true ? 'cache-control: no-cache\r\n' : '';
  return Buffer.from(`HTTP/1.1 ${code} ${redirectReasons[code] ?? statusReason(code)}\r\ncontent-length: 0\r\nlocation: ${location}\r\n${extraHeaders}${cache}${fate.header}\r\n`, 'latin1');
}
