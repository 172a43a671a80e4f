/** The error codes of the model contract, with the HTTP status each one is answered with. */
export const ERROR_STATUS = {
  UnsupportedFormat: 415,
  CorruptImage: 400,
  ImageTooLarge: 413,
  TooManyPixels: 400,
  InvalidOptions: 400,
  NotFound: 404,
  MethodNotAllowed: 405,
  Busy: 503,
  InternalError: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** An error the server answers as JSON `{code, message}`; `message` is safe to show a caller. */
export class ModelError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Seconds, sent as `Retry-After` (Busy only). */
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string, retryAfter?: number) {
    super(message);
    this.name = "ModelError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.retryAfter = retryAfter;
  }
}
