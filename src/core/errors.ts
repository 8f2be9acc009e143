// One error type with stable codes, so callers and tests match on `code`, never on message text.
export const ErrorCode = {
  configInvalid: 'VIGIL_ERR_CONFIG_INVALID',
  configRead: 'VIGIL_ERR_CONFIG_READ',
  usage: 'VIGIL_ERR_USAGE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class VigilError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VigilError';
    this.code = code;
  }
}
