// Everything a log line can report about one session (HAProxy's log-format variables). The
// session fills one of these as it goes; timers are milliseconds, -1 where a phase never happened
// (HAProxy prints -1 there too).
export interface LogContext {
  readonly clientIp: string;
  readonly clientPort: number;
  readonly frontendIp: string;
  readonly frontendPort: number;
  /** wall-clock ms when the connection was accepted (%t, %tr uses requestStart) */
  readonly acceptDate: number;
  /** wall-clock ms when the request's first byte arrived (HTTP) */
  readonly requestDate: number;
  readonly frontend: string;
  /** `frontend~` for a TLS frontend in HAProxy; vigil has no TLS frontends yet */
  readonly frontendTransport: string;
  readonly backend: string;
  /** `<NOSRV>` when no server was chosen */
  readonly server: string;
  readonly serverIp: string;
  readonly serverPort: number;
  /** %TR: time to receive the full request head, %Tw: queue wait, %Tc: connect, %Tr: response head */
  readonly timeRequest: number;
  readonly timeQueue: number;
  readonly timeConnect: number;
  readonly timeResponse: number;
  /** %Ta: active time of the request (request start to last byte sent) */
  readonly timeActive: number;
  /** %Tt: total session time */
  readonly timeTotal: number;
  /** %Th: handshake time (0 without TLS), %Ti: idle time before the request */
  readonly timeHandshake: number;
  readonly timeIdle: number;
  /** HTTP status sent to the client, -1 in tcp mode or when none was sent */
  readonly status: number;
  readonly bytesRead: number;
  readonly bytesUploaded: number;
  /** %ts, two characters: the session's termination state ("--", "SC", "CD", "cR" ...) */
  readonly terminationState: string;
  /** %tsc: four characters, termination state and cookie status ("----", "SC--") */
  readonly terminationStateCookie: string;
  readonly capturedRequestCookie: string;
  readonly capturedResponseCookie: string;
  /** concurrent connections: process, frontend, backend, server (%ac %fc %bc %sc) */
  readonly activeConnections: number;
  readonly frontendConnections: number;
  readonly backendConnections: number;
  readonly serverConnections: number;
  /** %rc: connection retries */
  readonly retries: number;
  /** set when a retry went to another server (%rc then shows "+N") */
  readonly redispatched: boolean;
  readonly serverQueue: number;
  readonly backendQueue: number;
  readonly capturedRequestHeaders: readonly string[];
  readonly capturedResponseHeaders: readonly string[];
  /** HTTP: the request line as received ("GET / HTTP/1.1"), '<BADREQ>' when it could not be read */
  readonly requestLine: string;
  readonly method: string;
  readonly uri: string;
  readonly httpVersion: string;
  readonly uniqueId: string;
  readonly processId: number;
  readonly hostname: string;
}
