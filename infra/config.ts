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

/** The environment a stage's settings read (`process.env` when deploying). */
export type StageEnv = Record<string, string | undefined>;

/** The replica region when `ARTAI_REPLICA_REGION` is not set. */
export const DEFAULT_REPLICA_REGION = "us-west-2";

const production = (env: StageEnv): StageConfig => ({
  domain: env.ARTAI_DOMAIN,
  replicaRegion: env.ARTAI_REPLICA_REGION || DEFAULT_REPLICA_REGION,
  model: {
    instanceType: "ml.c6i.large",
    minInstances: 1,
    maxInstances: 4,
    invocationsPerInstance: 20,
  },
  breaker: true,
  workerConcurrency: 8,
});

const development = (env: StageEnv): StageConfig => ({
  domain: env.ARTAI_DOMAIN || undefined,
  replicaRegion: env.ARTAI_REPLICA_REGION || DEFAULT_REPLICA_REGION,
  model: {
    instanceType: "ml.c6i.large",
    minInstances: 1,
    maxInstances: 1,
    invocationsPerInstance: 20,
  },
  breaker: true,
  workerConcurrency: 2,
});

/** The stages that get production settings (and `protect` plus `retain`, see sst.config.ts). */
export const PRODUCTION_STAGES: readonly string[] = ["production"];

/** Whether `stage` is a production stage. */
export const isProduction = (stage: string): boolean => PRODUCTION_STAGES.includes(stage);

/**
 * The settings of stage `name`. Throws for a production stage without `ARTAI_DOMAIN`: the site's
 * address, its certificate and the buckets' CORS all follow from it, and a placeholder domain
 * would fail the deploy at the certificate, or serve the site under a name nobody owns.
 */
export function stageConfig(name: string, env: StageEnv): StageConfig {
  if (!isProduction(name)) return development(env);
  if (!env.ARTAI_DOMAIN?.trim()) {
    throw new Error(
      `Stage "${name}" is a production stage and needs a domain: set ARTAI_DOMAIN to the site's host name (its Route 53 hosted zone must exist), e.g. ARTAI_DOMAIN=artai.example.org sst deploy --stage ${name}. See docs/deploy.md.`,
    );
  }
  return production(env);
}

/**
 * Throws unless the replicas live in another region than the stage: a replica in the home
 * region would not survive the loss of that region, which is what it is for.
 */
export function assertReplicaRegion(homeRegion: string, replicaRegion: string): void {
  if (homeRegion === replicaRegion) {
    throw new Error(
      `The replica region must differ from the home region, but both are ${homeRegion}: set ARTAI_REPLICA_REGION to another region (default ${DEFAULT_REPLICA_REGION}). See docs/deploy.md.`,
    );
  }
}

/** The configuration of the stage being deployed. */
export const stage: StageConfig = stageConfig($app.stage, process.env);

/**
 * The stage's own region: the `aws:region` configuration the SST CLI gives the program, which its
 * default provider uses (SST's components/aws/helpers/provider.ts reads the same keys back).
 */
const homeRegion: string = aws.config.region ?? "";
if (!homeRegion) throw new Error("No AWS region is configured for the stage (aws:region).");
assertReplicaRegion(homeRegion, stage.replicaRegion);

/**
 * Values infra shares with the application and the local stack, declared once in the contract
 * (packages/core/src/contract): the request alarm's threshold, the worker's timeout and the queue
 * settings derived from it, and the key prefix under which uploads land (only these start a job).
 */
export {
  DLQ_RETENTION_SECONDS,
  MAX_RECEIVE_COUNT,
  QUEUE_RETENTION_SECONDS,
  QUEUE_VISIBILITY_SECONDS,
  REQUEST_ALARM_THRESHOLD,
  UPLOAD_PREFIX,
  WORKER_TIMEOUT_SECONDS,
} from "../packages/core/src/contract/index.ts";

/** Port of the local model server that `sst dev` starts (SageMaker's container port). */
export const DEV_MODEL_PORT = 8080;

/** Where `next dev` listens under `sst dev`; the buckets' CORS allows it in dev sessions. */
export const DEV_SITE_URL = "http://localhost:3000";
