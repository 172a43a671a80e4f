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
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DLQ_RETENTION_SECONDS,
  FUNCTIONS,
  type FunctionName,
  MAX_RECEIVE_COUNT,
  QUEUE_RETENTION_SECONDS,
  QUEUE_VISIBILITY_SECONDS,
  REPLICATION,
  type ReplicaLink,
  type ReplicatedBucket,
  type ResourceName,
  UPLOAD_PREFIX,
} from "@artai/core/contract";
import * as Edge from "@artai/core/edge";
import { createApiGateway } from "./api-gateway.ts";
import { startDynamo } from "./dynamo.ts";
import { EDGE_READ_TIMEOUT_MS, enforceOriginReadTimeout } from "./edge.ts";
import {
  ADMIN_CREDENTIALS,
  type Credentials,
  FUNCTION_CREDENTIALS,
  LOCAL_ACCOUNT,
  LocalIam,
} from "./iam/index.ts";
import { LocalLambda } from "./lambda/index.ts";
import { startModel } from "./model.ts";
import { type Ops, type OpsOptions, startOps } from "./ops/index.ts";
import { forward, forwardUpgrade } from "./proxy.ts";
import { EventSource } from "./queue/event-source.ts";
import { LocalQueue } from "./queue/queue.ts";
import { startSqsApi } from "./queue/sqs-api.ts";
import { startLocalS3 } from "./s3/index.ts";
import { type SageMakerRuntime, startSageMakerRuntime } from "./sagemaker.ts";
import { startWeb, type WebMode } from "./web.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

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

/** The local bucket behind each bucket link, replicas included. */
const BUCKET_LINKS: Record<ReplicatedBucket | ReplicaLink, string> = {
  Uploads: NAMES.uploads,
  Outputs: NAMES.outputs,
  UploadsReplica: NAMES.uploadsReplica,
  OutputsReplica: NAMES.outputsReplica,
};

/**
 * The replication of infra/storage.ts, from the same declaration (`REPLICATION`): each source
 * bucket's rule, and its replica, versioned, in the replica region.
 */
function replicationOf(source: ReplicatedBucket) {
  return {
    destination: BUCKET_LINKS[REPLICATION.buckets[source]],
    deleteMarkers: REPLICATION.deleteMarkers,
  };
}
const replicaBuckets = () =>
  Object.values(REPLICATION.buckets).map((link) => ({
    name: BUCKET_LINKS[link],
    versioning: true,
    region: REPLICA_REGION,
  }));
const replicaLinks = () =>
  Object.fromEntries(
    Object.values(REPLICATION.buckets).map((link) => [
      `SST_RESOURCE_${link}`,
      JSON.stringify({
        name: BUCKET_LINKS[link],
        region: REPLICA_REGION,
        type: "sst.sst.Linkable",
      }),
    ]),
  );
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
const PRELOAD: Record<FunctionName, string[]> = {
  api: ["@artai/core/aws"],
  worker: ["@artai/core/aws", "sharp"],
  sweeper: ["@artai/core/aws", "sharp"],
  breaker: ["@artai/core/aws"],
};

/** The handler module of each function (packages/functions/src/<name>.ts). */
const HANDLERS: Record<FunctionName, string> = {
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
    // Each function in its own thread, as on Lambda. The threads load the SDK while the servers
    // start; each gets its own key and links once the endpoints are known (below).
    const lambdas = Object.fromEntries(
      FUNCTIONS.map((fn) => [
        fn,
        new LocalLambda({ name: fn, module: HANDLERS[fn], preload: PRELOAD[fn] }),
      ]),
    ) as Record<FunctionName, LocalLambda>;
    closers.push(async () => {
      await Promise.all(Object.values(lambdas).map((l) => l.close()));
    });

    // The site's own server first, so its origin is known to CORS and the cookie. Until the rest
    // is up it answers 503 with Retry-After, so an early visitor or probe never hangs.
    let route: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
      res
        .writeHead(503, { "content-type": "application/json", "retry-after": "1" })
        .end(JSON.stringify({ error: { code: "Starting", message: "ArtAI is starting up." } }));
    };
    const front: Server = createServer((req, res) => route(req, res));
    // A port already taken rejects here (EADDRINUSE) instead of crashing the process.
    await new Promise<void>((resolve, reject) => {
      front.once("error", reject);
      front.listen(options.port ?? Number(process.env.PORT ?? 3000), host, () => {
        front.off("error", reject);
        resolve();
      });
    });
    closers.push(
      () =>
        new Promise<void>((r) => {
          front.closeAllConnections();
          front.close(() => r());
        }),
    );
    const sitePort = (front.address() as AddressInfo).port;
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

    const dlq = new LocalQueue({
      name: NAMES.dlq,
      file: join(dataDir, "queue", `${NAMES.dlq}.json`),
      visibilityTimeoutSeconds: 30,
      retentionSeconds: QUEUE.dlqRetentionSeconds,
    });
    const jobs = new LocalQueue({
      name: NAMES.queue,
      file: join(dataDir, "queue", `${NAMES.queue}.json`),
      visibilityTimeoutSeconds: QUEUE.visibilityTimeoutSeconds,
      retentionSeconds: QUEUE.retentionSeconds,
      deadLetter: { queue: dlq, maxReceiveCount: QUEUE.maxReceiveCount },
    });
    closers.push(async () => {
      await jobs.flush();
      await dlq.flush();
    });
    const sqsApi = await startSqsApi({
      queues: [jobs, dlq],
      host,
      iam: { ...iamFor, region: REGION, accountId: LOCAL_ACCOUNT },
    });
    closers.push(sqsApi.close);

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

    const s3Options: Parameters<typeof startLocalS3>[0] = {
      dataDir: join(dataDir, "s3"),
      host,
      region: REGION,
      credentials: iam.credentials(),
      authorize: iam.authorize,
      buckets: [
        // The replicas first: a replication rule needs its destination.
        ...replicaBuckets(),
        {
          name: NAMES.uploads,
          versioning: true,
          replication: replicationOf("Uploads"),
          cors: [
            {
              allowedOrigins: [url, `http://127.0.0.1:${sitePort}`],
              allowedMethods: ["POST", "GET", "HEAD"],
              allowedHeaders: ["*"],
              exposeHeaders: ["ETag", "x-amz-version-id"],
              maxAgeSeconds: 3600,
            },
          ],
          notifications: [{ prefix: UPLOAD_PREFIX, events: ["s3:ObjectCreated:*"] }],
        },
        {
          name: NAMES.outputs,
          versioning: true,
          replication: replicationOf("Outputs"),
          cors: [
            {
              allowedOrigins: [url, `http://127.0.0.1:${sitePort}`],
              allowedMethods: ["GET", "HEAD"],
              allowedHeaders: ["*"],
              exposeHeaders: ["ETag"],
              maxAgeSeconds: 3600,
            },
          ],
        },
      ],
      onEvent: (event) => {
        jobs.send(JSON.stringify(event));
      },
    };
    let s3 = await startLocalS3(s3Options);
    closers.push(() => s3.close());

    const edgeSecret = randomBytes(24).toString("base64url");
    const env: Record<string, string> = {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_S3: s3.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      AWS_ENDPOINT_URL_SQS: sqsApi.url,
      AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: sagemaker.url,
      SST_RESOURCE_App: JSON.stringify({ name: "artai", stage: "local" }),
      SST_RESOURCE_Uploads: JSON.stringify({ name: NAMES.uploads, type: "sst.aws.Bucket" }),
      SST_RESOURCE_Outputs: JSON.stringify({ name: NAMES.outputs, type: "sst.aws.Bucket" }),
      ...replicaLinks(),
      SST_RESOURCE_Jobs: JSON.stringify({ name: NAMES.table, type: "sst.aws.Dynamo" }),
      SST_RESOURCE_Queue: JSON.stringify({
        url: sqsApi.queueUrl(NAMES.queue),
        type: "sst.aws.Queue",
      }),
      SST_RESOURCE_Model: JSON.stringify({
        endpointName: NAMES.endpoint,
        type: "sst.sst.Linkable",
      }),
      // Shared by the front (standing in for CloudFront) and the API, new at every start.
      SST_RESOURCE_EdgeSecret: JSON.stringify({ value: edgeSecret, type: "sst.sst.Secret" }),
    };
    Object.assign(env, ops.env({ deadLetterQueueUrl: sqsApi.queueUrl(NAMES.dlq) }));
    // The operator's environment, for tests that call core in this process.
    Object.assign(process.env, env);

    // Each function's own key and only its own links, as on Lambda.
    const functionEnv = (fn: FunctionName): Record<string, string> => {
      const own = Object.fromEntries(
        Object.entries(env).filter(
          ([name]) =>
            !name.startsWith("SST_RESOURCE_") ||
            name === "SST_RESOURCE_App" ||
            LINKS[fn].includes(name.slice("SST_RESOURCE_".length)),
        ),
      );
      return {
        ...own,
        AWS_ACCESS_KEY_ID: FUNCTION_CREDENTIALS[fn].accessKeyId,
        AWS_SECRET_ACCESS_KEY: FUNCTION_CREDENTIALS[fn].secretAccessKey,
        AWS_LAMBDA_FUNCTION_NAME: `artai-local-${fn}`,
      };
    };
    await Promise.all(FUNCTIONS.map((fn) => lambdas[fn].start(functionEnv(fn))));
    await modelStarted;
    const modelUrl = model?.url ?? "";
    const functions = Object.fromEntries(
      FUNCTIONS.map((fn) => [
        fn,
        {
          env: lambdas[fn].env,
          credentials: FUNCTION_CREDENTIALS[fn],
          invoke: lambdas[fn].invoke.bind(lambdas[fn]),
        },
      ]),
    ) as Stack["functions"];
    ops.connectBreaker((event) => functions.breaker.invoke(event));

    // Lambda's event source mapping polls with the worker's role: it needs the table's rights.
    const queueArn = `arn:aws:sqs:${REGION}:${LOCAL_ACCOUNT}:${NAMES.queue}`;
    for (const action of ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]) {
      const decision = iam.authorize(FUNCTION_CREDENTIALS.worker.accessKeyId, action, queueArn);
      if (!decision.allowed)
        throw new Error(`the worker's event source mapping: ${decision.message}`);
    }
    const eventSource = new EventSource({
      queue: jobs,
      queueArn: `arn:aws:sqs:${REGION}:000000000000:${NAMES.queue}`,
      region: REGION,
      batchSize: QUEUE.batchSize,
      concurrency: QUEUE.concurrency,
      handler: (event) => functions.worker.invoke(event),
      onError: (error) => log("worker", `invocation failed: ${String(error)}`),
    });
    if (options.worker !== false) eventSource.start();
    closers.push(() => eventSource.stop());

    const sweepEvery = options.sweepIntervalMs ?? 60_000;
    if (sweepEvery > 0) {
      const timer = setInterval(() => {
        // The shape of an EventBridge schedule's event, as the cron rule would send it.
        const event = {
          version: "0",
          id: randomBytes(16).toString("hex"),
          "detail-type": "Scheduled Event",
          source: "aws.events",
          account: LOCAL_ACCOUNT,
          time: new Date().toISOString(),
          region: REGION,
          resources: [],
          detail: {},
        };
        functions.sweeper.invoke(event).catch((error: unknown) => log("sweeper", String(error)));
      }, sweepEvery);
      closers.push(async () => clearInterval(timer));
    }

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
    route = (req, res) => {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      // The edge's stamp, as CloudFront's viewer-request function sets it (docs/api.md#the-edge).
      req.headers[Edge.SECRET_HEADER] = edgeSecret;
      req.headers[Edge.VIEWER_HEADER] = req.socket.remoteAddress ?? "unknown";
      if (path === "/api" || path.startsWith("/api/")) {
        enforceOriginReadTimeout(res, options.edgeReadTimeoutMs ?? EDGE_READ_TIMEOUT_MS);
        gateway(req, res).catch((error: unknown) => {
          log("api", String(error));
          if (!res.headersSent) res.writeHead(500).end();
        });
      } else if (web) {
        forward(new URL(web.url), req, res);
      } else {
        res.writeHead(404, { "content-type": "text/plain" }).end("The web app is not running.");
      }
    };
    // The API's own address, like `execute-api`: the same API, reached without the edge.
    const direct: Server = createServer((req, res) => {
      gateway(req, res).catch((error: unknown) => {
        log("api", String(error));
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((r) => direct.listen(0, host, r));
    closers.push(
      () =>
        new Promise<void>((r) => {
          direct.closeAllConnections();
          direct.close(() => r());
        }),
    );

    front.on("upgrade", (req, socket, head) => {
      if (web) forwardUpgrade(new URL(web.url), req, socket as import("node:net").Socket, head);
      else socket.destroy();
    });

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
        api: `http://${host}:${(direct.address() as AddressInfo).port}`,
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
