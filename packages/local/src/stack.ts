/**
 * The whole of ArtAI's AWS side on one machine: the local S3, dynalite, the SQS-like queue with its
 * dead-letter queue and event source mapping, the SageMaker Runtime front and the model container,
 * the API behind an API Gateway–shaped adapter, and Next.js — all behind one origin that routes
 * `/api/*` to the API as CloudFront does in production.
 *
 * The application code is not told it is local: the stack sets the SDK's standard endpoint
 * variables and the `Resource` links (`SST_RESOURCE_*`) exactly as `sst dev` would. Each function
 * runs in its own worker thread with its own key and links, and the local S3, DynamoDB and SQS
 * hold each key to that function's rows of the permissions table (src/iam/).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { LocalIam } from "./iam/index.ts";
import { stackEnv } from "./stack/environment.ts";
import { openApi, startFront, startSite } from "./stack/front.ts";
import { createLambdas, startFunctions } from "./stack/functions.ts";
import { launchModel } from "./stack/model.ts";
import { REPO_ROOT, RESOURCE_ARNS } from "./stack/names.ts";
import { startOpsAndSageMaker } from "./stack/ops.ts";
import { startQueues } from "./stack/queues.ts";
import { startStackDynamo, startStackS3 } from "./stack/storage.ts";
import type { Closers, Stack, StackContext, StackOptions } from "./stack/types.ts";

export {
  CREDENTIALS,
  LINKS,
  NAMES,
  QUEUE,
  REGION,
  REPLICA_REGION,
  REPO_ROOT,
  RESOURCE_ARNS,
} from "./stack/names.ts";
export type { Stack, StackOptions } from "./stack/types.ts";

const defaultLog = (component: string, line: string) => {
  for (const l of line.split("\n")) console.log(`[${component}] ${l}`);
};

/** The context every step is given, and the close that runs its closers last in, first out. */
function stackContext(options: StackOptions) {
  const dataDir = resolve(
    options.dataDir ?? process.env.ARTAI_DATA_DIR ?? join(REPO_ROOT, ".artai"),
  );
  mkdirSync(join(dataDir, "queue"), { recursive: true });
  const closers: Closers = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
    closers.length = 0;
  };
  const iam = new LocalIam(RESOURCE_ARNS);
  const host = options.host ?? "127.0.0.1";
  const ctx: StackContext = {
    options,
    dataDir,
    host,
    iam,
    log: options.log ?? defaultLog,
    closers,
  };
  return { ctx, close };
}

/** Starts the stack in the steps below, each in a file of `stack/`; a failed step closes the rest. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const { ctx, close } = stackContext(options);
  try {
    // 1. The functions' threads load the SDK while the servers start (stack/functions.ts).
    const lambdas = createLambdas(ctx);
    // 2. The front first, so the site's origin is known to CORS and the cookie (stack/front.ts).
    const front = await startFront(options.port ?? Number(process.env.PORT ?? 3000), ctx.host);
    ctx.closers.push(front.close);
    const url = `http://localhost:${front.port}`;
    // 3. The model container, in parallel with the rest (stack/model.ts).
    const model = launchModel(ctx);
    // 4. The table and the queues (stack/storage.ts, stack/queues.ts).
    const dynamo = await startStackDynamo(ctx);
    const { jobs, dlq, sqsApi } = await startQueues(ctx);
    // 5. Operations and the SageMaker front (stack/ops.ts).
    const { ops, sagemaker } = await startOpsAndSageMaker(ctx, url, model);
    // 6. The buckets, from one table of names, CORS and notifications (stack/buckets.ts).
    const s3 = await startStackS3(ctx, [url, `http://127.0.0.1:${front.port}`], jobs);
    // 7. Links and environment (stack/environment.ts).
    const edgeSecret = randomBytes(24).toString("base64url");
    const endpoints = {
      s3: s3.url,
      dynamodb: dynamo.url,
      sqs: sqsApi.url,
      sagemaker: sagemaker.url,
    };
    const queueUrl = (name: string) => sqsApi.queueUrl(name);
    const env = stackEnv({ ...endpoints, queueUrl }, ops, edgeSecret);
    // 8. The functions with their own keys and links, then what invokes them (stack/functions.ts).
    const { functions, eventSource } = await startFunctions(ctx, {
      lambdas,
      env,
      jobs,
      ops,
      model,
    });
    // 9. Next.js, then the front opens and the direct API starts (stack/front.ts).
    const web = await startSite(ctx, s3.url);
    const direct = await openApi(ctx, front, { functions, ops, edgeSecret, web });
    return {
      url,
      dataDir: ctx.dataDir,
      endpoints: { ...endpoints, model: model.url() ?? "", web: web?.url, api: direct.url },
      queues: { jobs, dlq },
      eventSource,
      ops,
      modelEndpoint: sagemaker,
      env,
      functions,
      iam: ctx.iam,
      stopModel: model.stop,
      startModel: model.start,
      restart: (component, downMs = 0) => (component === "dynamodb" ? dynamo : s3).restart(downMs),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
