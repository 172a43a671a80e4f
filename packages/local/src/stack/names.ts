/**
 * The local stack's names and declarations: its resources' names and ARNs, each function's links
 * (as infra/ declares them), handler and preload, and the queue's settings from the contract.
 */
import { fileURLToPath } from "node:url";
import {
  DLQ_RETENTION_SECONDS,
  type FunctionName,
  MAX_RECEIVE_COUNT,
  QUEUE_RETENTION_SECONDS,
  QUEUE_VISIBILITY_SECONDS,
  type ResourceName,
} from "@artai/core/contract";
import { ADMIN_CREDENTIALS, LOCAL_ACCOUNT } from "../iam/index.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../../..", import.meta.url));

export const NAMES = {
  uploads: "artai-local-uploads",
  outputs: "artai-local-outputs",
  uploadsReplica: "artai-local-uploads-replica",
  outputsReplica: "artai-local-outputs-replica",
  table: "artai-local-jobs",
  queue: "artai-local-jobs",
  dlq: "artai-local-jobs-dlq",
  endpoint: "artai-local-model",
} as const;

export const REGION = "us-east-1";
/** Where the replicas live, a region of their own as on AWS (infra's `stage.replicaRegion`). */
export const REPLICA_REGION = "us-west-2";

/**
 * The stack's operator key (the tests' own clients, `stack.env`): in no row of the permissions
 * table, so it has full access, as an account administrator's would. The functions never use it.
 */
export const CREDENTIALS = ADMIN_CREDENTIALS;

/** The local ARN of every resource the permissions table names. */
export const RESOURCE_ARNS: Partial<Record<ResourceName, string>> = {
  Uploads: `arn:aws:s3:::${NAMES.uploads}`,
  Outputs: `arn:aws:s3:::${NAMES.outputs}`,
  UploadsReplica: `arn:aws:s3:::${NAMES.uploadsReplica}`,
  OutputsReplica: `arn:aws:s3:::${NAMES.outputsReplica}`,
  Jobs: `arn:aws:dynamodb:${REGION}:${LOCAL_ACCOUNT}:table/${NAMES.table}`,
  Queue: `arn:aws:sqs:${REGION}:${LOCAL_ACCOUNT}:${NAMES.queue}`,
  DeadLetterQueue: `arn:aws:sqs:${REGION}:${LOCAL_ACCOUNT}:${NAMES.dlq}`,
  Model: `arn:aws:sagemaker:${REGION}:${LOCAL_ACCOUNT}:endpoint/${NAMES.endpoint}`,
};

/** Each function's links, as infra/ declares them (`link: [...]`). */
export const LINKS: Record<FunctionName, readonly string[]> = {
  api: [
    "Jobs",
    "Uploads",
    "Outputs",
    "UploadsReplica",
    "OutputsReplica",
    "Queue",
    "DeadLetterQueue",
    "StatusToken",
    "Model",
    "EdgeSecret",
  ],
  worker: ["Jobs", "Uploads", "Outputs", "Model", "Queue"],
  sweeper: ["Jobs", "Queue", "Uploads", "Outputs", "UploadsReplica", "OutputsReplica"],
  breaker: ["Jobs"],
};

/**
 * What each function's thread loads before it is configured: modules that read no environment
 * when they load (the SDK clients; sharp, for the functions whose pipeline module imports it).
 */
export const PRELOAD: Record<FunctionName, string[]> = {
  api: ["@artai/core/aws"],
  worker: ["@artai/core/aws", "sharp"],
  sweeper: ["@artai/core/aws", "sharp"],
  breaker: ["@artai/core/aws"],
};

/** The handler module of each function (packages/functions/src/<name>.ts). */
export const HANDLERS: Record<FunctionName, string> = {
  api: "@artai/functions/api",
  worker: "@artai/functions/worker",
  sweeper: "@artai/functions/sweeper",
  breaker: "@artai/functions/breaker",
};

/** The queue's settings: the contract's, which infra/ declares on AWS. */
export const QUEUE = {
  maxReceiveCount: MAX_RECEIVE_COUNT,
  visibilityTimeoutSeconds: QUEUE_VISIBILITY_SECONDS,
  retentionSeconds: QUEUE_RETENTION_SECONDS,
  dlqRetentionSeconds: DLQ_RETENTION_SECONDS,
  batchSize: 1,
  concurrency: 4,
};
