import { type ErrorBody, type ErrorCode, MAX_UPLOAD_IN_WORDS } from "../contract/index.ts";

/**
 * ArtAI's typed errors. `code` is stable and is what clients and the UI switch on; `message` is
 * written for the person who sees it. Anything else worth logging goes in `cause`.
 */
export class AppError extends Error {
  constructor(
    /** One of the contract's `ERROR_CODES`: a code the contract does not declare fails to compile. */
    readonly code: ErrorCode,
    message: string,
    readonly status = 400,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code;
  }

  toJSON(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

/** The request itself is malformed: bad JSON, unknown fields, wrong types. */
export class InvalidRequest extends AppError {
  constructor(message: string) {
    super("InvalidRequest", message, 400);
  }
}

export class UnsupportedFormat extends AppError {
  constructor(message = "Only PNG, JPEG and WebP images are supported.") {
    super("UnsupportedFormat", message, 400);
  }
}

export class ImageTooLarge extends AppError {
  constructor(message = `The image is larger than ${MAX_UPLOAD_IN_WORDS}.`) {
    super("ImageTooLarge", message, 400);
  }
}

export class TooManyPixels extends AppError {
  constructor(message: string) {
    super("TooManyPixels", message, 400);
  }
}

export class CorruptImage extends AppError {
  constructor(
    message = "The image could not be read; the file may be damaged or incomplete.",
    options?: { cause?: unknown },
  ) {
    super("CorruptImage", message, 400, options);
  }
}

export class NotFound extends AppError {
  constructor(message = "No such job.") {
    super("NotFound", message, 404);
  }
}

export class RateLimited extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super("RateLimited", `Too many requests. Try again in ${retryAfterSeconds} s.`, 429);
  }
}

export class Paused extends AppError {
  constructor(
    message = "New jobs are paused for a while because ArtAI is unusually busy. Your existing jobs still work.",
  ) {
    super("Paused", message, 503);
  }
}

/** Refused because the owner already has as many unfinished jobs as allowed. */
export class TooManyOpenJobs extends AppError {
  constructor(readonly limit: number) {
    super(
      "TooManyOpenJobs",
      `You already have ${limit} images waiting or being processed. Wait for one to finish, then try again.`,
      429,
    );
  }
}

/**
 * A failure worth retrying (the model is busy or down, a store timed out). The worker lets the
 * queue redeliver; after the last delivery the job fails with `finalCode`/`finalMessage`.
 */
export class Retryable extends Error {
  constructor(
    readonly finalCode: string,
    readonly finalMessage: string,
    options?: { cause?: unknown },
  ) {
    super(finalMessage, options);
    this.name = "Retryable";
  }
}
