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
import { FUNCTIONS } from "@artai/core/contract";
import { createApiGateway } from "./api-gateway.ts";
import { startDynamo } from "./dynamo.ts";
import { EDGE_READ_TIMEOUT_MS } from "./edge.ts";
import { LOCAL_ACCOUNT, LocalIam } from "./iam/index.ts";
import { startModel } from "./model.ts";
import { startOps } from "./ops/index.ts";
import { startLocalS3 } from "./s3/index.ts";
import { startSageMakerRuntime } from "./sagemaker.ts";
import { stackBuckets } from "./stack/buckets.ts";
import { functionEnv, operatorEnv } from "./stack/environment.ts";
import { startDirectApi, startFront } from "./stack/front.ts";
import {
  createLambdas,
  functionsOf,
  scheduleSweeper,
  workerEventSource,
} from "./stack/functions.ts";
import { CREDENTIALS, NAMES, REGION, REPO_ROOT, RESOURCE_ARNS } from "./stack/names.ts";
import { startQueues } from "./stack/queues.ts";
import type { Stack, StackOptions } from "./stack/types.ts";
import { startWeb } from "./web.ts";

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

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? defaultLog;
  const dataDir = resolve(
    options.dataDir ?? process.env.ARTAI_DATA_DIR ?? join(REPO_ROOT, ".artai"),
  );
  mkdirSync(join(dataDir, "queue"), { recursive: true });
  const host = options.host ?? "127.0.0.1";
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
    closers.length = 0;
  };

  const iam = new LocalIam(RESOURCE_ARNS);
  const iamFor = { credentials: iam.credentials(), authorize: iam.authorize };

  try {
    // 1. The functions' threads load the SDK while the servers start (stack/functions.ts).
    const lambdas = createLambdas();
    closers.push(async () => {
      await Promise.all(Object.values(lambdas).map((l) => l.close()));
    });

    // 2. The front first, so the site's origin is known to CORS and the cookie (stack/front.ts).
    const front = await startFront(options.port ?? Number(process.env.PORT ?? 3000), host);
    closers.push(front.close);
    const sitePort = front.port;
    const url = `http://localhost:${sitePort}`;

    const dynamoOptions = {
      path: join(dataDir, "dynamo"),
      tableName: NAMES.table,
      region: REGION,
      credentials: CREDENTIALS,
      host,
      iam: { ...iamFor, accountId: LOCAL_ACCOUNT },
    };
    let dynamo = await startDynamo(dynamoOptions);
    const dynamoPort = Number(new URL(dynamo.url).port);
    closers.push(() => dynamo.close());

    // The jobs queue, its dead-letter queue and the SQS API (stack/queues.ts).
    const { jobs, dlq, sqsApi } = await startQueues(dataDir, host, iamFor, closers);

    let model: { url: string; stop(): Promise<void> } | undefined;
    let modelPort: number | undefined;
    const launchModel = async () => {
      if (options.modelUrl) {
        model = { url: options.modelUrl, stop: async () => {} };
        return;
      }
      const started = await startModel({
        port: modelPort,
        env: options.modelEnv,
        log: (line) => log("model", line),
      });
      modelPort = Number(new URL(started.url).port);
      model = started;
    };
    // The model container starts while the rest of the stack does.
    const modelStarted = launchModel();
    modelStarted.catch(() => {});
    const ops = await startOps({
      dataDir,
      region: REGION,
      accountId: "000000000000",
      stage: "local",
      host,
      siteUrl: url,
      modelUrl: () => model?.url,
      endpointName: NAMES.endpoint,
      options: options.ops,
      log,
    });
    closers.push(ops.close);
    closers.push(async () => {
      await modelStarted.catch(() => {});
      await model?.stop();
    });
    const sagemaker = await startSageMakerRuntime({
      endpointName: NAMES.endpoint,
      modelUrl: ops.endpoints.model,
      host,
    });
    closers.push(sagemaker.close);

    // 3. The buckets, from one table (stack/buckets.ts).
    const s3Options: Parameters<typeof startLocalS3>[0] = {
      dataDir: join(dataDir, "s3"),
      host,
      region: REGION,
      credentials: iam.credentials(),
      authorize: iam.authorize,
      buckets: stackBuckets([url, `http://127.0.0.1:${sitePort}`]),
      onEvent: (event) => {
        jobs.send(JSON.stringify(event));
      },
    };
    let s3 = await startLocalS3(s3Options);
    closers.push(() => s3.close());

    const edgeSecret = randomBytes(24).toString("base64url");
    // 4. Links and environment (stack/environment.ts).
    const env = operatorEnv(
      {
        s3: s3.url,
        dynamodb: dynamo.url,
        sqs: sqsApi.url,
        sagemaker: sagemaker.url,
        queueUrl: (name) => sqsApi.queueUrl(name),
      },
      edgeSecret,
    );
    Object.assign(env, ops.env({ deadLetterQueueUrl: sqsApi.queueUrl(NAMES.dlq) }));
    // The operator's environment, for tests that call core in this process.
    Object.assign(process.env, env);

    await Promise.all(FUNCTIONS.map((fn) => lambdas[fn].start(functionEnv(env, fn))));
    await modelStarted;
    const modelUrl = model?.url ?? "";
    const functions = functionsOf(lambdas);
    ops.connectBreaker((event) => functions.breaker.invoke(event));

    const eventSource = workerEventSource({ iam, queue: jobs, functions, log });
    if (options.worker !== false) eventSource.start();
    closers.push(() => eventSource.stop());

    const sweepEvery = options.sweepIntervalMs ?? 60_000;
    if (sweepEvery > 0) closers.push(scheduleSweeper(functions, sweepEvery, log));

    let web: Awaited<ReturnType<typeof startWeb>> | undefined;
    const webMode = options.web ?? "dev";
    if (webMode !== "none") {
      web = await startWeb({
        mode: webMode,
        log: (line) => log("web", line),
        // Presigned links point at the local S3; the site's CSP must allow exactly that origin.
        env: { ARTAI_STORAGE_ORIGIN: new URL(s3.url).origin },
      });
      closers.push(() => web?.stop() ?? Promise.resolve());
    }

    const gateway = createApiGateway({
      handler: (event) => functions.api.invoke(event),
      onRequest: ops.onRequest,
    });
    // 5. The front opens: `/api/*` to the API as CloudFront does, the rest to the web app.
    front.open({
      gateway,
      edgeSecret,
      edgeReadTimeoutMs: options.edgeReadTimeoutMs ?? EDGE_READ_TIMEOUT_MS,
      web,
      log,
    });
    // 6. The direct API, like `execute-api`: the same API, reached without the edge.
    const direct = await startDirectApi(gateway, host, log);
    closers.push(direct.close);

    return {
      url,
      dataDir,
      endpoints: {
        s3: s3.url,
        dynamodb: dynamo.url,
        sqs: sqsApi.url,
        sagemaker: sagemaker.url,
        model: modelUrl,
        web: web?.url,
        api: direct.url,
      },
      queues: { jobs, dlq },
      eventSource,
      ops,
      modelEndpoint: sagemaker,
      env,
      functions,
      iam,
      stopModel: async () => model?.stop(),
      startModel: launchModel,
      restart: async (component, downMs = 0) => {
        if (component === "dynamodb") {
          await dynamo.close();
          await new Promise((r) => setTimeout(r, downMs));
          dynamo = await startDynamo({ ...dynamoOptions, port: dynamoPort });
        } else {
          await s3.close();
          await new Promise((r) => setTimeout(r, downMs));
          s3 = await startLocalS3({ ...s3Options, port: s3.port });
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
