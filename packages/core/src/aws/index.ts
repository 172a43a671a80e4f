/**
 * The AWS clients ArtAI shares. Endpoints come from the SDK's standard `AWS_ENDPOINT_URL_<SERVICE>`
 * variables, so the same code talks to whatever endpoint those name. Path-style S3 addressing works on
 * both, which keeps presigned URLs identical in shape everywhere.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";

const s3Clients = new Map<string, S3Client>();
let dynamoClient: DynamoDBClient | undefined;
let sagemakerClient: SageMakerRuntimeClient | undefined;
let sqsClient: SQSClient | undefined;

/**
 * The S3 client for `region` (default: the function's own). S3 refuses a request signed for
 * another region than the bucket's, so the replicas in the secondary region need their own client
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html, AuthorizationHeaderMalformed).
 * `AWS_ENDPOINT_URL_S3` applies to every region's client alike.
 */
export const s3 = (region?: string) => {
  const id = region ?? "";
  let client = s3Clients.get(id);
  if (!client) {
    client = new S3Client({ forcePathStyle: true, ...(region ? { region } : {}) });
    s3Clients.set(id, client);
  }
  return client;
};

export const dynamo = () => {
  dynamoClient ??= new DynamoDBClient({});
  return dynamoClient;
};

/**
 * Whether a DynamoDB write failed because its condition did not hold: the SDK's own
 * `ConditionalCheckFailedException`, or ElectroDB's error wrapping it (as its `cause`, or in its
 * message). Every conditional write in core tells "someone else got there first" apart this way.
 */
export const isConditionFailed = (error: unknown): boolean => {
  const e = error as { name?: string; message?: unknown; cause?: unknown } | undefined;
  return (
    error instanceof ConditionalCheckFailedException ||
    e?.name === "ConditionalCheckFailedException" ||
    String(e?.message).includes("conditional request failed") ||
    (e?.cause !== undefined && isConditionFailed(e.cause))
  );
};

/** SageMaker answers within 60 s or not at all; the socket waits a little longer than that. */
export const MODEL_SOCKET_TIMEOUT_MS = 70_000;

export const sagemaker = () => {
  sagemakerClient ??= new SageMakerRuntimeClient({
    // The queue owns retries (with backoff and a dead-letter queue), so one attempt per delivery.
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 5_000,
      requestTimeout: MODEL_SOCKET_TIMEOUT_MS,
    }),
  });
  return sagemakerClient;
};

export const sqs = () => {
  sqsClient ??= new SQSClient({});
  return sqsClient;
};
