/**
 * Issue 11, point 5, locally: each function has its own credentials, and the local S3, DynamoDB
 * and SQS answer AccessDenied, in each service's own error shape, to whatever the permissions
 * table (packages/core/src/contract/permissions.ts) does not allow that function. The pipeline,
 * ops and reliability suites show that what the table does allow is enough for the whole app.
 */
import { rm } from "node:fs/promises";
import { type FunctionName, PERMISSIONS } from "@artai/core/contract";
import {
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Credentials } from "../src/iam/index.ts";
import { startLocalS3 } from "../src/s3/index.ts";
import { NAMES, REGION, type Stack } from "../src/stack.ts";
import { quietStack, tempDir } from "./helpers.ts";

let stack: Stack;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDir("iam");
  stack = await quietStack("iam", { dataDir, worker: false });
});

afterAll(async () => {
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const as = (fn: FunctionName) => stack.functions[fn].credentials;
const s3 = (credentials: Credentials) =>
  new S3Client({
    endpoint: stack.endpoints.s3,
    forcePathStyle: true,
    region: REGION,
    credentials,
    maxAttempts: 1,
  });
const dynamo = (credentials: Credentials) =>
  new DynamoDBClient({
    endpoint: stack.endpoints.dynamodb,
    region: REGION,
    credentials,
    maxAttempts: 1,
  });
const sqs = (credentials: Credentials) =>
  new SQSClient({ endpoint: stack.endpoints.sqs, region: REGION, credentials, maxAttempts: 1 });

/** The error a call fails with (name and HTTP status), or "allowed" when it succeeds. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "allowed";
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    return `${e.name} ${e.$metadata?.httpStatusCode}`;
  }
}

/**
 * Sends each row's request through the client in turn and expects its outcome: the error (name
 * and status) or "allowed".
 */
async function expectOutcomes(
  client: S3Client | DynamoDBClient | SQSClient,
  rows: [request: object, expected: string | RegExp][],
) {
  const sender = client as unknown as { send(request: object): Promise<unknown> };
  for (const [request, expected] of rows) {
    const got = await outcome(sender.send(request));
    const what = request.constructor.name;
    if (typeof expected === "string") expect(got, what).toBe(expected);
    else expect(got, what).toMatch(expected);
  }
}

const queueUrl = (name: string) => `${stack.endpoints.sqs}/000000000000/${name}`;
const policy = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }],
});

describe("each function runs with its own credentials and links", () => {
  it("gives every function its own key and only the links infra gives it", () => {
    const keys = new Set(Object.values(stack.functions).map((f) => f.env.AWS_ACCESS_KEY_ID));
    expect(keys.size).toBe(4);
    expect(keys.has(stack.env.AWS_ACCESS_KEY_ID)).toBe(false);
    const links = (fn: FunctionName) =>
      Object.keys(stack.functions[fn].env)
        .filter((k) => k.startsWith("SST_RESOURCE_"))
        .map((k) => k.slice("SST_RESOURCE_".length))
        .sort();
    expect(links("breaker")).toEqual(["App", "Jobs"]);
    expect(links("sweeper")).toEqual([
      "App",
      "Jobs",
      "Outputs",
      "OutputsReplica",
      "Queue",
      "Uploads",
      "UploadsReplica",
    ]);
    expect(links("worker")).toEqual(["App", "Jobs", "Model", "Outputs", "Queue", "Uploads"]);
    expect(links("api")).toContain("StatusToken");
    expect(links("worker")).not.toContain("StatusToken");
  });

  it("runs a handler in its own thread: the breaker's invocation answers from there", async () => {
    // A message that is not an alarm notification is skipped by the handler, not by the stack.
    const event = { Records: [{ Sns: { Message: "not an alarm" } }] };
    expect(await stack.functions.breaker.invoke(event)).toEqual({ applied: 0 });
  });
});

describe("S3 answers 403 AccessDenied to what the table does not allow", () => {
  it("the worker may not change a bucket policy, delete an upload or write to Uploads", async () => {
    await expectOutcomes(s3(as("worker")), [
      [new PutBucketPolicyCommand({ Bucket: NAMES.uploads, Policy: policy }), "AccessDenied 403"],
      [
        new DeleteObjectCommand({ Bucket: NAMES.uploads, Key: "uploads/x/input" }),
        "AccessDenied 403",
      ],
      [
        new PutObjectCommand({ Bucket: NAMES.uploads, Key: "uploads/x/input", Body: "x" }),
        "AccessDenied 403",
      ],
      // What its code does is allowed: write a variation, read an upload (a missing one is 404).
      [
        new PutObjectCommand({ Bucket: NAMES.outputs, Key: "outputs/x/0.webp", Body: "x" }),
        "allowed",
      ],
      [new GetObjectCommand({ Bucket: NAMES.uploads, Key: "uploads/none/input" }), "NoSuchKey 404"],
      // …but not read the variations back: nothing in the worker's code does.
      [
        new GetObjectCommand({ Bucket: NAMES.outputs, Key: "outputs/x/0.webp" }),
        "AccessDenied 403",
      ],
    ]);
  });

  it("answers in S3's XML error shape", async () => {
    const worker = s3(as("worker"));
    const url = await import("@aws-sdk/s3-request-presigner").then(({ getSignedUrl }) =>
      getSignedUrl(
        worker,
        new GetObjectCommand({ Bucket: NAMES.outputs, Key: "outputs/x/0.webp" }),
      ),
    );
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/<Code>AccessDenied<\/Code>/);
  });

  it("authorises DeleteObjects key by key, reporting a refused key as its AccessDenied error", async () => {
    const api = s3(as("api"));
    await s3({
      accessKeyId: stack.env.AWS_ACCESS_KEY_ID ?? "",
      secretAccessKey: stack.env.AWS_SECRET_ACCESS_KEY ?? "",
    }).send(new PutObjectCommand({ Bucket: NAMES.uploads, Key: "uploads/del/input", Body: "x" }));
    // The api deletes versions (its purge), never a key's latest without one.
    const result = await api.send(
      new DeleteObjectsCommand({
        Bucket: NAMES.uploads,
        Delete: { Objects: [{ Key: "uploads/del/input" }] },
      }),
    );
    expect(result.Errors?.map((e) => e.Code)).toEqual(["AccessDenied"]);
    expect(result.Deleted ?? []).toEqual([]);
  });

  it("the sweeper sees a missing upload as 404, because the table gives it s3:ListBucket", async () => {
    await expectOutcomes(s3(as("sweeper")), [
      [new HeadObjectCommand({ Bucket: NAMES.uploads, Key: "uploads/none/input" }), "NotFound 404"],
      // A HEAD's error has no body, only its status.
      [new HeadObjectCommand({ Bucket: NAMES.outputs, Key: "outputs/none/0.webp" }), / 403$/],
    ]);
  });
});

describe("without s3:ListBucket, S3 hides which keys exist", () => {
  it("answers a missing key's HeadObject and GetObject with 403, not 404", async () => {
    const dir = tempDir("iam-s3");
    const reader = { accessKeyId: "ARTAILOCALREADER", secretAccessKey: "reader-secret" };
    const lister = { accessKeyId: "ARTAILOCALLISTER", secretAccessKey: "lister-secret" };
    const server = await startLocalS3({
      dataDir: dir,
      region: REGION,
      credentials: [reader, lister],
      buckets: [{ name: "artai-iam" }],
      // Both may read objects; only the lister may also list the bucket.
      authorize: (key, action) =>
        action === "s3:GetObject" || (action === "s3:ListBucket" && key === lister.accessKeyId)
          ? { allowed: true }
          : { allowed: false, message: `not allowed: ${action}` },
    });
    const client = (credentials: Credentials) =>
      new S3Client({
        endpoint: server.url,
        forcePathStyle: true,
        region: REGION,
        credentials,
        maxAttempts: 1,
      });
    const missing = { Bucket: "artai-iam", Key: "missing" };
    try {
      await expectOutcomes(client(reader), [
        // A HEAD's error has no body, only its status.
        [new HeadObjectCommand(missing), / 403$/],
        [new GetObjectCommand(missing), "AccessDenied 403"],
      ]);
      await expectOutcomes(client(lister), [
        [new HeadObjectCommand(missing), "NotFound 404"],
        [new GetObjectCommand(missing), "NoSuchKey 404"],
      ]);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("DynamoDB answers AccessDeniedException to what the table does not allow", () => {
  const key = { pk: { S: "$artai#name_spend" }, sk: { S: "$breaker_1" } };

  it("the api may not delete the table or scan it, but may query an owner's jobs", async () => {
    await expectOutcomes(dynamo(as("api")), [
      [new DeleteTableCommand({ TableName: NAMES.table }), "AccessDeniedException 400"],
      [new ScanCommand({ TableName: NAMES.table }), "AccessDeniedException 400"],
      [
        new QueryCommand({
          TableName: NAMES.table,
          IndexName: "gsi1",
          KeyConditionExpression: "gsi1pk = :pk",
          ExpressionAttributeValues: { ":pk": { S: "nobody" } },
        }),
        "allowed",
      ],
    ]);
  });

  it("the breaker may update its flag but not read items or query an index", async () => {
    await expectOutcomes(dynamo(as("breaker")), [
      [new GetItemCommand({ TableName: NAMES.table, Key: key }), "AccessDeniedException 400"],
      [
        new QueryCommand({
          TableName: NAMES.table,
          IndexName: "gsi2",
          KeyConditionExpression: "gsi2pk = :pk",
          ExpressionAttributeValues: { ":pk": { S: "x" } },
        }),
        "AccessDeniedException 400",
      ],
      [
        new UpdateItemCommand({
          TableName: NAMES.table,
          Key: { pk: { S: "iam-test" }, sk: { S: "iam-test" } },
          UpdateExpression: "SET probe = :v",
          ExpressionAttributeValues: { ":v": { S: "1" } },
        }),
        "allowed",
      ],
    ]);
  });

  it("answers in DynamoDB's JSON error shape, naming the action and the table", async () => {
    try {
      await dynamo(as("worker")).send(new DeleteTableCommand({ TableName: NAMES.table }));
      expect.unreachable();
    } catch (error) {
      const e = error as { name: string; message: string };
      expect(e.name).toBe("AccessDeniedException");
      expect(e.message).toMatch(
        /artai-local-worker\/worker is not authorized to perform: dynamodb:DeleteTable on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/artai-local-jobs/,
      );
    }
  });

  it("verifies signatures: a wrong secret is refused", async () => {
    const forged = dynamo({ accessKeyId: as("api").accessKeyId, secretAccessKey: "wrong" });
    await expectOutcomes(forged, [
      [new GetItemCommand({ TableName: NAMES.table, Key: key }), "InvalidSignatureException 400"],
    ]);
  });
});

describe("SQS answers AccessDenied to what the table does not allow", () => {
  it("the api may not delete the queue or send to it, but may read its depth", async () => {
    await expectOutcomes(sqs(as("api")), [
      [new DeleteQueueCommand({ QueueUrl: queueUrl(NAMES.queue) }), "AccessDenied 400"],
      [
        new SendMessageCommand({ QueueUrl: queueUrl(NAMES.queue), MessageBody: "{}" }),
        "AccessDenied 400",
      ],
      [
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl(NAMES.dlq),
          AttributeNames: ["ApproximateNumberOfMessages"],
        }),
        "allowed",
      ],
    ]);
  });

  it("the sweeper may re-drive (SendMessage) but not delete messages", async () => {
    const sweeper = sqs(as("sweeper"));
    await expectOutcomes(sweeper, [
      [
        new DeleteMessageCommand({ QueueUrl: queueUrl(NAMES.queue), ReceiptHandle: "x" }),
        "AccessDenied 400",
      ],
    ]);
    stack.queues.jobs.purge();
    await expectOutcomes(sweeper, [
      [new SendMessageCommand({ QueueUrl: queueUrl(NAMES.queue), MessageBody: "{}" }), "allowed"],
    ]);
    stack.queues.jobs.purge();
  });

  it("the operator's key is in no row of the table and keeps full access", async () => {
    const admin = sqs({
      accessKeyId: stack.env.AWS_ACCESS_KEY_ID ?? "",
      secretAccessKey: stack.env.AWS_SECRET_ACCESS_KEY ?? "",
    });
    // Allowed by IAM; the local queue then says it does not implement DeleteQueue.
    await expectOutcomes(admin, [
      [new DeleteQueueCommand({ QueueUrl: queueUrl(NAMES.queue) }), /^UnsupportedOperation/],
    ]);
  });
});

describe("the table", () => {
  it("grants the event source mapping's polling to the worker alone", () => {
    const polling = Object.entries(PERMISSIONS).filter(([, grants]) =>
      grants.some((g) => g.actions.includes("sqs:ReceiveMessage")),
    );
    expect(polling.map(([fn]) => fn)).toEqual(["worker"]);
  });
});
