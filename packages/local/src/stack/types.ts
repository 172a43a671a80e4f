/** What `startStack` takes and what it gives back. */
import type { FunctionName } from "@artai/core/contract";
import type { Credentials, LocalIam } from "../iam/index.ts";
import type { LocalLambda } from "../lambda/index.ts";
import type { Ops, OpsOptions } from "../ops/index.ts";
import type { EventSource } from "../queue/event-source.ts";
import type { LocalQueue } from "../queue/queue.ts";
import type { SageMakerRuntime } from "../sagemaker.ts";
import type { WebMode } from "../web.ts";

export interface StackOptions {
  /** Where everything is kept between runs. Default `$ARTAI_DATA_DIR` or `<repo>/.artai`. */
  dataDir?: string;
  /** The site's port. Default `$PORT` or 3000; 0 picks a free one. */
  port?: number;
  host?: string;
  /** `dev` (hot reload), `production` (build then start) or `none` (API only). */
  web?: WebMode | "none";
  /** Use a model server that is already running instead of starting one. */
  modelUrl?: string;
  /** Extra environment for the model process. */
  modelEnv?: Record<string, string>;
  /** How often the sweeper runs (ms); 0 turns it off. Default 60 s. */
  sweepIntervalMs?: number;
  /** Start polling the queue (default true). */
  worker?: boolean;
  log?: (component: string, line: string) => void;
  /** The request alarm, the spend breaker and the operators' metrics (see ops/index.ts). */
  ops?: OpsOptions;
  /**
   * The front's origin read timeout for `/api/*` (ms), past which it answers 504 as CloudFront
   * does. Default: the contract's EDGE_READ_TIMEOUT_SECONDS, the route's timeout on AWS.
   */
  edgeReadTimeoutMs?: number;
  /**
   * Modules (specifiers or `file:` URLs) each function's thread imports before anything else, as
   * Lambda preloads what `NODE_OPTIONS` names during a function's init
   * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-modify.html): for instrumentation from
   * outside the application, such as the bench's call trace. A module that fails to load fails
   * the function's cold start, with its error.
   */
  lambdaInstrument?: string[];
}

export interface Stack {
  url: string;
  dataDir: string;
  endpoints: {
    s3: string;
    dynamodb: string;
    sqs: string;
    sagemaker: string;
    model: string;
    web?: string;
    /**
     * The API's own address, as API Gateway's `execute-api` URL: no edge in front, so the API
     * refuses what arrives here (403 Forbidden) and ArtAI is used through `url` alone.
     */
    api: string;
  };
  queues: { jobs: LocalQueue; dlq: LocalQueue };
  eventSource: EventSource;
  /** The request metric, its alarm, the alert topic and mailbox, and the status token. */
  ops: Ops;
  /** The SageMaker Runtime front: its invocation record, and fault knobs for its container. */
  modelEndpoint: Pick<SageMakerRuntime, "invocations" | "setTimeoutMs" | "setModelUrl">;
  /**
   * The operator's environment, also set on this process for tests that call core directly:
   * the endpoints, every link, and the operator's key (full access; no function's role).
   */
  env: Record<string, string>;
  /**
   * Each function as Lambda runs it: its own worker thread, with its own environment (its key
   * and its links only). `invoke` runs its handler with an event, as Lambda would.
   */
  functions: Record<
    FunctionName,
    { env: Record<string, string>; credentials: Credentials; invoke: LocalLambda["invoke"] }
  >;
  /** The local IAM: each function's key and what the permissions table allows it. */
  iam: LocalIam;
  /** Stops the model container; `InvokeEndpoint` then fails as it does when a container dies. */
  stopModel(): Promise<void>;
  /** Starts the model container again, on the same port. */
  startModel(): Promise<void>;
  /**
   * Stops the local DynamoDB or S3 server, keeps it down for `downMs`, then starts it again on the
   * same port and data: a fault for the reliability tests.
   */
  restart(component: "dynamodb" | "s3", downMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** How the stack's components log: one line at a time, under the component's name. */
export type Log = (component: string, line: string) => void;

/** What the stack closes when it stops, or when a step fails while it starts: last in, first out. */
export type Closers = (() => Promise<void>)[];

/** What every step of `startStack` is given: the options, where and as whom, and the closers. */
export interface StackContext {
  options: StackOptions;
  dataDir: string;
  host: string;
  iam: LocalIam;
  log: Log;
  closers: Closers;
}
