/**
 * Per-stage settings for ArtAI. Everything that differs between stages lives here, so the
 * other infra files read like a description of the architecture, not a list of conditionals.
 */

/** Settings that differ between stages. */
export interface StageConfig {
  /**
   * The public host name served by CloudFront, with its Route 53 record and ACM certificate.
   * Its hosted zone must already exist in Route 53. Without a domain the site is reached on
   * its `*.cloudfront.net` name.
   */
  domain?: string;
  /** The region that holds the cross-region replicas of both buckets. */
  replicaRegion: string;
  /** SageMaker endpoint sizing; autoscaling moves between `minInstances` and `maxInstances`. */
  model: {
    instanceType: string;
    minInstances: number;
    maxInstances: number;
    /** Target-tracking value for `SageMakerVariantInvocationsPerInstance` (per minute). */
    invocationsPerInstance: number;
  };
  /** Whether the 10,000-requests alarm also pauses job creation (the spend breaker). */
  breaker: boolean;
  /** Upper bound on concurrent worker invocations, so a burst cannot outrun the endpoint. */
  workerConcurrency: number;
}

const production: StageConfig = {
  domain: process.env.ARTAI_DOMAIN ?? "artai.example.com",
  replicaRegion: process.env.ARTAI_REPLICA_REGION ?? "us-west-2",
  model: {
    instanceType: "ml.c6i.large",
    minInstances: 1,
    maxInstances: 4,
    invocationsPerInstance: 20,
  },
  breaker: true,
  workerConcurrency: 8,
};

const development: StageConfig = {
  domain: process.env.ARTAI_DOMAIN,
  replicaRegion: process.env.ARTAI_REPLICA_REGION ?? "us-west-2",
  model: {
    instanceType: "ml.c6i.large",
    minInstances: 1,
    maxInstances: 1,
    invocationsPerInstance: 20,
  },
  breaker: true,
  workerConcurrency: 2,
};

/** The stages that get production settings (and `protect` plus `retain`, see sst.config.ts). */
export const PRODUCTION_STAGES: readonly string[] = ["production"];

/** Whether `stage` is a production stage. */
export const isProduction = (stage: string): boolean => PRODUCTION_STAGES.includes(stage);

/** The configuration of the stage being deployed. */
export const stage: StageConfig = isProduction($app.stage) ? production : development;

/** The 24-hour API request count above which the operators get an e-mail. */
export const REQUEST_ALARM_THRESHOLD = 10_000;

/**
 * Worker Lambda timeout: the model's 60 s budget plus downloading the upload and writing
 * the variations. The queue's visibility timeout is derived from it.
 */
export const WORKER_TIMEOUT_SECONDS = 120;

/** SQS guidance for Lambda consumers: visibility timeout at least six times the function's. */
export const QUEUE_VISIBILITY_SECONDS = 6 * WORKER_TIMEOUT_SECONDS;

/** Deliveries before a message moves to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

/** How long the jobs queue keeps a message (4 days, the SQS default). */
export const QUEUE_RETENTION_SECONDS = 4 * 24 * 60 * 60;

/** How long the dead-letter queue keeps a message (14 days, the SQS maximum). */
export const DLQ_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/** Port of the local model server that `sst dev` starts (SageMaker's container port). */
export const DEV_MODEL_PORT = 8080;

/** Where `next dev` listens under `sst dev`; the buckets' CORS allows it in dev sessions. */
export const DEV_SITE_URL = "http://localhost:3000";
