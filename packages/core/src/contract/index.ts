/**
 * ArtAI's contract: every value and type that more than one package needs, declared once.
 *
 * Browser-safe by rule: this module imports nothing (no AWS SDK, no ElectroDB, no `sst`, no
 * `node:` modules), so the web app, infra, the local stack and the tests can all load it.
 * A test (`contract.test.ts`) keeps it that way.
 */

// ── Jobs ────────────────────────────────────────────────────────────────────────────────────

export const STATUSES = ["queued", "processing", "succeeded", "failed"] as const;
export type Status = (typeof STATUSES)[number];
export const TERMINAL_STATUSES: readonly Status[] = ["succeeded", "failed"];

export const STRENGTHS = ["subtle", "strong"] as const;
export type Strength = (typeof STRENGTHS)[number];

// ── Uploads ─────────────────────────────────────────────────────────────────────────────────

export const CONTENT_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/** Largest upload the POST policy admits: 10 MiB. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Largest decoded image the worker accepts (pixels); sharp's `limitInputPixels`. */
export const MAX_INPUT_PIXELS = 25_000_000;
/** How long a presigned upload stays valid. */
export const UPLOAD_EXPIRY_SECONDS = 15 * 60;

export const MIN_VARIATIONS = 1;
export const MAX_VARIATIONS = 4;
export const DEFAULT_VARIATIONS = 4;
export const MAX_SEED = 0xffff_ffff;

/** The limits in the words a person reads (binary megabytes, as the POST policy counts them). */
export const LIMITS_IN_WORDS = `PNG, JPEG or WebP, up to ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB and ${MAX_INPUT_PIXELS / 1e6} megapixels.`;

// ── The API ─────────────────────────────────────────────────────────────────────────────────

/** Longest a client may ask `GET /api/jobs/{id}?wait=` to hold a request open. */
export const MAX_WAIT_SECONDS = 25;

/**
 * The CloudFront origin read timeout for `/api/*`: the longest wait plus 5 s for the API's own
 * work. SST's Router defaults to 20 s, which would cut the long poll short (docs/infra.md).
 */
export const EDGE_READ_TIMEOUT_SECONDS = MAX_WAIT_SECONDS + 5;

/** Headers the edge's viewer-request function overwrites on every request (docs/api.md#the-edge). */
export const EDGE_HEADERS = { secret: "x-artai-edge", viewer: "x-artai-viewer" } as const;

// ── Storage ─────────────────────────────────────────────────────────────────────────────────

/** Uploads land under this prefix; only these start a job. */
export const UPLOAD_PREFIX = "uploads/";
/** Variations are written under this prefix. */
export const OUTPUT_PREFIX = "outputs/";

// ── The queue and the worker ────────────────────────────────────────────────────────────────

/** The worker Lambda's timeout: the model's 60 s budget plus reading and writing images. */
export const WORKER_TIMEOUT_SECONDS = 120;
/** Lambda's guidance for SQS consumers: visibility timeout at least six times the function's. */
export const QUEUE_VISIBILITY_SECONDS = 6 * WORKER_TIMEOUT_SECONDS;
/** Deliveries before a message moves to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;
/** How long the jobs queue keeps a message (4 days, the SQS default). */
export const QUEUE_RETENTION_SECONDS = 4 * 24 * 60 * 60;
/** How long the dead-letter queue keeps a message (14 days, the SQS maximum). */
export const DLQ_RETENTION_SECONDS = 14 * 24 * 60 * 60;

// ── Operations ──────────────────────────────────────────────────────────────────────────────

/** The 24-hour API request count above which the operators get an e-mail. */
export const REQUEST_ALARM_THRESHOLD = 10_000;

// ── Styles ──────────────────────────────────────────────────────────────────────────────────

export * from "./styles.ts";
