/** What `GET /api/status` answers (docs/operations.md); the API's own type lives in core. */
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

export interface StatusView {
  generatedAt: string;
  requests: {
    last24h: number;
    threshold: number;
    state: "OK" | "ALARM";
    hourly: { start: string; count: number }[];
  } | null;
  breaker: { paused: boolean; since?: string } | null;
  queues: { jobs: QueueDepth; deadLetter: QueueDepth } | null;
  jobs: {
    succeeded: number;
    failed: number;
    total: Percentiles | null;
    processing: Percentiles | null;
  } | null;
  model: {
    health: "healthy" | "degraded" | "idle";
    invocations: number;
    errors5xx: number;
    errors4xx: number;
    latencyMs: number | null;
  } | null;
  problems: string[];
}
