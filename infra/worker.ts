/**
 * The worker: takes S3 upload events from the jobs queue, calls the model and writes the
 * variations. It runs in the VPC's private subnets and answers with partial batch
 * responses, so one bad message never fails its neighbours.
 */
import { stage, WORKER_TIMEOUT_SECONDS } from "./config.ts";
import { dataKey, messagingKey, useKey } from "./kms.ts";
import { model, modelEnvironment } from "./model.ts";
import { vpc, workerSecurityGroup } from "./network.ts";
import { permissionsOf } from "./permissions.ts";
import { queue } from "./queue.ts";
import { jobs, outputs, uploads } from "./storage.ts";

export const worker = new sst.aws.Function("Worker", {
  handler: "packages/functions/src/worker.handler",
  description: "ArtAI worker: upload event -> model -> variations",
  runtime: "nodejs22.x",
  architecture: "arm64",
  memory: "1024 MB",
  timeout: `${WORKER_TIMEOUT_SECONDS} seconds`,
  // sharp is native: SST installs it for linux/arm64 next to the bundle.
  nodejs: { install: ["sharp"] },
  // Queue: a failed message's visibility is shortened for exponential backoff.
  link: [jobs, uploads, outputs, model, queue],
  permissions: [
    useKey(dataKey),
    // The event source mapping polls the KMS-encrypted queue with this role.
    useKey(messagingKey),
    // The worker's rows of the permissions table, the event source mapping's polling included.
    ...permissionsOf("worker"),
  ],
  environment: modelEnvironment,
  // `sst dev` runs the worker on the laptop; its stub needs the internet, so no VPC there.
  vpc: $dev
    ? undefined
    : { privateSubnets: vpc.privateSubnets, securityGroups: [workerSecurityGroup.id] },
});

/**
 * One message per invocation: a single job may use the whole model budget. The mapping
 * reports partial batch failures and caps concurrency to what the endpoint can absorb.
 */
export const workerSubscription = queue.subscribe(worker.arn, {
  batch: { size: 1, partialResponses: true },
  transform: {
    eventSourceMapping: (args) => {
      args.scalingConfig = { maximumConcurrency: stage.workerConcurrency };
    },
  },
});
