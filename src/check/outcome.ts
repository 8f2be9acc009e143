// What one health check found. The status codes are HAProxy's, shown on the stats page and in
// logs ("L4CON", "L7STS"), so operators see the names they know.
export const CheckStatus = {
  l4ok: 'L4OK',
  l4timeout: 'L4TOUT',
  l4connect: 'L4CON',
  l6ok: 'L6OK',
  l6timeout: 'L6TOUT',
  l6response: 'L6RSP',
  l7ok: 'L7OK',
  l7timeout: 'L7TOUT',
  l7response: 'L7RSP',
  l7status: 'L7STS',
  processOk: 'PROCOK',
  processError: 'PROCERR',
  processTimeout: 'PROCTOUT',
  socketError: 'SOCKERR',
} as const;
export type CheckStatus = (typeof CheckStatus)[keyof typeof CheckStatus];

export interface CheckOutcome {
  readonly ok: boolean;
  readonly status: CheckStatus;
  /** human detail, e.g. `Connection refused` or `HTTP status check returned code <503>` */
  readonly info: string;
  /** HTTP status or process exit code, where there is one */
  readonly code?: number;
  readonly durationMs: number;
  /** MISC_CHECK with misc_dynamic: the weight the exit code asks for */
  readonly weight?: number;
}

/** The words HAProxy uses for a status in "reason: ..." of its log lines */
export const statusReason: Readonly<Record<CheckStatus, string>> = {
  L4OK: 'Layer4 check passed',
  L4TOUT: 'Layer4 timeout',
  L4CON: 'Layer4 connection problem',
  L6OK: 'Layer6 check passed',
  L6TOUT: 'Layer6 timeout',
  L6RSP: 'Layer6 invalid response',
  L7OK: 'Layer7 check passed',
  L7TOUT: 'Layer7 timeout',
  L7RSP: 'Layer7 invalid response',
  L7STS: 'Layer7 wrong status',
  PROCOK: 'External check passed',
  PROCERR: 'External check error',
  PROCTOUT: 'External check timeout',
  SOCKERR: 'Socket error',
};
