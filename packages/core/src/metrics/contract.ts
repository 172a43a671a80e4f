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
  queues: {
    jobs: { visible: number; inFlight: number; delayed: number };
    deadLetter: { visible: number; inFlight: number; delayed: number };
  } | null;
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

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
}
