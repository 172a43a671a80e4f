/**
 * ArtAI's contract: every value and type that more than one package needs, declared once.
 *
 * Browser-safe by rule: this module imports nothing (no AWS SDK, no ElectroDB, no `sst`, no
 * `node:` modules), so a browser, infra and every other package can load it.
 * A test (`contract.test.ts`) keeps it that way.
 */

// ── Jobs ────────────────────────────────────────────────────────────────────────────────────

export const STATUSES = ["queued", "processing", "succeeded", "failed"] as const;
export type Status = (typeof STATUSES)[number];
export const TERMINAL_STATUSES: readonly Status[] = ["succeeded", "failed"];

export const isTerminal = (status: Status) => TERMINAL_STATUSES.includes(status);

export const STRENGTHS = ["subtle", "strong"] as const;
export type Strength = (typeof STRENGTHS)[number];
export const DEFAULT_STRENGTH: Strength = "subtle";

/** Job ids: 128 random bits, URL-safe base64. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

// ── Uploads ─────────────────────────────────────────────────────────────────────────────────

export const CONTENT_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/** Largest upload the POST policy admits: 10 MiB. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/**
 * Largest decoded image the worker accepts (pixels; sharp's `limitInputPixels`): a 6000×4000 camera
 * photo passes, decompression bombs do not.
 */
export const MAX_INPUT_PIXELS = 25_000_000;
/** How long a presigned upload stays valid. */
export const UPLOAD_EXPIRY_SECONDS = 15 * 60;

export const MIN_VARIATIONS = 1;
export const MAX_VARIATIONS = 4;
export const DEFAULT_VARIATIONS = 4;
export const MAX_SEED = 0xffff_ffff;

/** The byte limit in the words a person reads: binary megabytes, as the POST policy counts them. */
export const MAX_UPLOAD_IN_WORDS = `${MAX_UPLOAD_BYTES / 1024 / 1024} MiB`;
/** The pixel limit in words, with a photo that fits. */
export const MAX_PIXELS_IN_WORDS = `${MAX_INPUT_PIXELS / 1e6} megapixels`;
/** How long an upload link lasts, in words. */
export const UPLOAD_EXPIRY_IN_WORDS = `${UPLOAD_EXPIRY_SECONDS / 60} minutes`;
/** Every upload limit in one sentence. */
export const LIMITS_IN_WORDS = `PNG, JPEG or WebP, up to ${MAX_UPLOAD_IN_WORDS} and ${MAX_PIXELS_IN_WORDS}.`;

// ── The API ─────────────────────────────────────────────────────────────────────────────────

/**
 * Every `error.code` the API answers with or a failed job carries (docs/api.md#errors). Clients
 * switch on these; the message beside each is for the person who reads it.
 */
export const ERROR_CODES = [
  "InvalidRequest",
  "PayloadTooLarge",
  "UnsupportedFormat",
  "ImageTooLarge",
  "TooManyPixels",
  "CorruptImage",
  "UploadMissing",
  "UploadExpired",
  "ModelUnavailable",
  /** The model container refused the options the worker sent it (docs/model.md). */
  "InvalidOptions",
  "NotFound",
  "Forbidden",
  "Unauthorized",
  "MethodNotAllowed",
  "RateLimited",
  "TooManyOpenJobs",
  "Paused",
  "InternalError",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/**
 * The API's routes (docs/api.md), in API Gateway's `METHOD /path` form. infra declares them one by
 * one, so the API's surface is visible; `ANY /api/{proxy+}` sends everything else to the same
 * handler, so unknown paths get ArtAI's JSON 404.
 */
export const API_ROUTES = [
  "GET /api/health",
  "GET /api/styles",
  "POST /api/jobs",
  "GET /api/jobs",
  "GET /api/jobs/{id}",
  "DELETE /api/jobs/{id}",
  "GET /api/status",
  "ANY /api/{proxy+}",
] as const;

/** The options a client may send with `POST /api/jobs`; the API fills in what is left out. */
export interface JobRequestOptions {
  variations?: number;
  strength?: Strength;
  seed?: number;
  /** One of STYLES; a new upload defaults to "photo", a job made from another keeps its style. */
  style?: Style;
}

/** `POST /api/jobs` for a new upload. */
export interface CreateUploadRequest extends JobRequestOptions {
  contentType: ContentType;
  size: number;
}

/** `POST /api/jobs` from an image ArtAI already has: a job's input, or one of its variations. */
export interface CreateFromRequest extends JobRequestOptions {
  from: JobParent;
}

export interface JobOptions {
  variations: number;
  strength: Strength;
  seed: number;
  style: Style;
}

export interface Variation {
  index: number;
  url: string;
  width: number;
  height: number;
  seed: number;
  /** The variation's medium: the job's style, or for a mixed-media job the one the seed chose. */
  style: Style;
}

/** Why a job failed: a stable code and a sentence for the person who sees it. */
export interface JobError {
  code: string;
  message: string;
}

export interface JobParent {
  jobId: string;
  variation?: number;
}

/** A job as the API shows it, with short-lived image links. */
export interface JobView {
  id: string;
  status: Status;
  options: JobOptions;
  createdAt: string;
  updatedAt: string;
  input: { url: string } | null;
  variations: Variation[];
  error?: JobError;
  parent?: JobParent;
}

/** The presigned POST a browser sends its file with. */
export interface UploadTicket {
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

/** What `POST /api/jobs` answers (201). */
export interface CreatedJob {
  job: JobView;
  upload?: UploadTicket;
}

/** Longest a client may ask `GET /api/jobs/{id}?wait=` to hold a request open. */
export const MAX_WAIT_SECONDS = 25;

/**
 * How often a waiting request re-reads its job. A change reaches the person about half of this
 * after it is written: at 250 ms that wait was the largest part of a lone job outside the model
 * (docs/benchmarks.md, part 2). The price is at most 10 reads a second per waiting request, for at
 * most `MAX_WAIT_SECONDS`.
 */
export const WAIT_POLL_MS = 100;

/**
 * The CloudFront origin read timeout for `/api/*`: the longest wait plus 5 s for the API's own
 * work. SST's Router defaults to 20 s, which would cut the long poll short (docs/infra.md).
 */
export const EDGE_READ_TIMEOUT_SECONDS = MAX_WAIT_SECONDS + 5;

/** Headers the edge's viewer-request function overwrites on every request (docs/api.md#the-edge). */
export const EDGE_HEADERS = { secret: "x-artai-edge", viewer: "x-artai-viewer" } as const;

// ── Storage ─────────────────────────────────────────────────────────────────────────────────

/** How long the API's image links (presigned GETs) stay valid; clients re-read the job for fresh ones. */
export const IMAGE_URL_EXPIRY_SECONDS = 15 * 60;

/** Uploads land under this prefix; only these start a job. */
export const UPLOAD_PREFIX = "uploads/";
/** Variations are written under this prefix. */
export const OUTPUT_PREFIX = "outputs/";

/**
 * Which buckets S3 replicates to the secondary region, and whether delete markers replicate too.
 * Keys are the source buckets' link names, values their replicas' link names (`{ name, region }`).
 * infra/storage.ts writes the replication rules from this. AWS's rules apply: new versions and (here) delete markers replicate; a delete that names a version
 * never does (docs/infra.md#replication). So deleting a job purges the replicas as well.
 */
export const REPLICATION = {
  buckets: { Uploads: "UploadsReplica", Outputs: "OutputsReplica" },
  deleteMarkers: true,
} as const;
export type ReplicatedBucket = keyof typeof REPLICATION.buckets;
export type ReplicaLink = (typeof REPLICATION.buckets)[ReplicatedBucket];

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

export * from "./alarms.ts";

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
}

/** What `GET /api/status` answers (docs/operations.md). */
export interface StatusView {
  generatedAt: string;
  requests: {
    /** API requests in the 24 hours before `generatedAt` (API Gateway's `Count`, Sum). */
    last24h: number;
    threshold: number;
    /** `ALARM` once `last24h` is over `threshold`, as the CloudWatch alarm judges it. */
    state: "OK" | "ALARM";
    /** 24 hourly sums, oldest first; the last one ends at `generatedAt`. */
    hourly: { start: string; count: number }[];
  } | null;
  breaker: { paused: boolean; since?: string } | null;
  queues: { jobs: QueueDepth; deadLetter: QueueDepth } | null;
  /** Jobs finished in the last 24 hours; durations in milliseconds. */
  jobs: {
    succeeded: number;
    failed: number;
    /** From creation (the upload link) to the variations being stored. */
    total: Percentiles | null;
    /** From the worker claiming the job to the variations being stored. */
    processing: Percentiles | null;
  } | null;
  /** The model endpoint over the last hour (SageMaker's own metrics). */
  model: {
    health: "healthy" | "degraded" | "idle";
    invocations: number;
    errors5xx: number;
    errors4xx: number;
    /** Average model latency in milliseconds, or null with no invocations. */
    latencyMs: number | null;
  } | null;
  /** Sections that could not be read, with why. */
  problems: string[];
}

// ── Styles ──────────────────────────────────────────────────────────────────────────────────

/**
 * The styles a person can ask for, `{id, name, description}`, in the order a picker shows them:
 * the API (`GET /api/styles`, the `style` of `POST /api/jobs`), the web app and the pipeline read
 * this list. The model container keeps its own registry (it imports no ArtAI package);
 * `packages/local/test/styles.test.ts` keeps the two equal.
 */
export const STYLES = [
  {
    id: "photo",
    name: "Photo",
    description: "Your photo, re-lit and re-graded, with detail the model paints back in.",
  },
  {
    id: "oil",
    name: "Oil paint",
    description: "Thick brush strokes that follow the picture's shapes, with lit ridges of paint.",
  },
  {
    id: "watercolour",
    name: "Watercolour",
    description: "Soft transparent washes on textured paper, darker where each wash dries.",
  },
  {
    id: "pencil",
    name: "Pencil sketch",
    description: "Graphite contours and cross-hatching on toothed paper.",
  },
  {
    id: "print",
    name: "Screen print",
    description: "Flat posterised inks in halftone dots, slightly out of register.",
  },
  {
    id: "surprise",
    name: "Mixed media",
    description: "A different medium for each variation, picked by the seed.",
  },
] as const;

export type Style = (typeof STYLES)[number]["id"];
export const STYLE_IDS = STYLES.map((s) => s.id) as [Style, ...Style[]];
export const DEFAULT_STYLE: Style = "photo";
export const isStyle = (value: unknown): value is Style =>
  typeof value === "string" && (STYLE_IDS as readonly string[]).includes(value);
/** The preview of each style in the web app's picker (rendered once by the real model). */
export const stylePreviewPath = (style: Style) => `/styles/${style}.webp`;

// ── Least privilege ─────────────────────────────────────────────────────────────────────────

/** Each function's IAM permissions (infra/permissions.ts writes them into each role). */
export * from "./permissions.ts";
