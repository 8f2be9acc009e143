// What ACLs, http-request/http-response rules and log formats see of a message. The session
// fills these from the parsed heads without copying; rules may edit `headers` in place.

/** Addresses of the client connection, shared by tcp and http mode */
export interface ConnectionView {
  readonly source: string;
  readonly sourcePort: number;
  /** the local address and port the client connected to */
  readonly destination: string;
  readonly destinationPort: number;
  /** the frontend's name */
  readonly frontend: string;
}

export interface RequestView extends ConnectionView {
  method: string;
  /** request target as received: `/path?query` (or absolute form) */
  target: string;
  readonly version: 10 | 11;
  /** flat [name, value, ...], names as received; rules may push, remove or replace pairs */
  headers: string[];
}

export interface ResponseView {
  status: number;
  reason: string;
  readonly version: 10 | 11;
  headers: string[];
  readonly request: RequestView;
  /** the backend and server that answered, when one did */
  readonly backend?: string;
  readonly server?: string;
}
