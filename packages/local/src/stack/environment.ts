/**
 * The links and environment: the SDK's standard endpoint variables and the `Resource` links
 * (`SST_RESOURCE_*`), set exactly as `sst dev` would, so the application code is not told it is
 * local. The operator gets every link; each function only its own, with its own key.
 */
import type { FunctionName } from "@artai/core/contract";
import { FUNCTION_CREDENTIALS } from "../iam/index.ts";
import type { Ops } from "../ops/index.ts";
import { bucketLinks } from "./buckets.ts";
import { CREDENTIALS, LINKS, NAMES, REGION } from "./names.ts";

export interface Endpoints {
  s3: string;
  dynamodb: string;
  sqs: string;
  sagemaker: string;
  queueUrl: (name: string) => string;
}

/** The operator's environment: the endpoints, every link, and the operator's key. */
export function operatorEnv(endpoints: Endpoints, edgeSecret: string): Record<string, string> {
  return {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: endpoints.sagemaker,
    SST_RESOURCE_App: JSON.stringify({ name: "artai", stage: "local" }),
    ...bucketLinks(),
    SST_RESOURCE_Jobs: JSON.stringify({ name: NAMES.table, type: "sst.aws.Dynamo" }),
    SST_RESOURCE_Queue: JSON.stringify({
      url: endpoints.queueUrl(NAMES.queue),
      type: "sst.aws.Queue",
    }),
    SST_RESOURCE_Model: JSON.stringify({
      endpointName: NAMES.endpoint,
      type: "sst.sst.Linkable",
    }),
    // Shared by the front (standing in for CloudFront) and the API, new at every start.
    SST_RESOURCE_EdgeSecret: JSON.stringify({ value: edgeSecret, type: "sst.sst.Secret" }),
  };
}

/**
 * The operator's environment with operations' endpoint and links, also set on this process for
 * the tests that call core directly.
 */
export function stackEnv(endpoints: Endpoints, ops: Pick<Ops, "env">, edgeSecret: string) {
  const env = {
    ...operatorEnv(endpoints, edgeSecret),
    ...ops.env({ deadLetterQueueUrl: endpoints.queueUrl(NAMES.dlq) }),
  };
  Object.assign(process.env, env);
  return env;
}

/** Each function's own key and only its own links, as on Lambda. */
export function functionEnv(env: Record<string, string>, fn: FunctionName): Record<string, string> {
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
}
