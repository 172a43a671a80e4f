/**
 * Least privilege, declared once: for each of ArtAI's Lambda functions, the IAM actions it may
 * perform on each resource, and why. infra/ writes every function's role policy from this table
 * (infra/permissions.ts); docs/infra.md says where else it is held to.
 *
 * Each row is derived from what the code calls. IAM action names are not always API names; the
 * mapping is AWS's "Actions, resources, and condition keys" service authorization reference:
 * - S3: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 *   - `HeadBucket` is authorised by `s3:ListBucket` on the bucket ARN
 *     (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html);
 *   - `HeadObject` and `GetObject` by `s3:GetObject` on the object ARN, and by
 *     `s3:GetObjectVersion` when the request names a version; without `s3:ListBucket` on the
 *     bucket a missing key answers 403 AccessDenied instead of 404
 *     (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html,
 *     https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html);
 *   - `ListObjectVersions` by `s3:ListBucketVersions` on the bucket ARN
 *     (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html);
 *   - `DeleteObjects` is checked per key: `s3:DeleteObject`, or `s3:DeleteObjectVersion` for a
 *     key that names a version (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html);
 *   - `CopyObject` needs `s3:GetObject` on the source and `s3:PutObject` on the destination
 *     (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html);
 *   - a presigned POST or GET acts with the signer's permissions, so presigning an upload needs
 *     `s3:PutObject` and a download link `s3:GetObject`
 *     (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html).
 * - DynamoDB (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html):
 *   ElectroDB's `get` is GetItem, `create`/`put` PutItem, `update`/`patch`/`upsert` UpdateItem,
 *   `delete`/`remove` DeleteItem and `query` Query. A query on a global secondary index is
 *   authorised on the index's ARN, `<table ARN>/index/<name>`
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/iam-policy-specific-table-indexes.html).
 * - SQS (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html):
 *   action names are API names. Lambda's event source mapping polls with the function's own
 *   role, which needs ReceiveMessage, DeleteMessage and GetQueueAttributes
 *   (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#events-sqs-permissions).
 * - CloudWatch `GetMetricData` supports no resource-level permissions: its resource is `*`
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
 * - SageMaker `InvokeEndpoint` is authorised on the endpoint's ARN
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html).
 *
 * KMS use (the data and messaging keys) is granted next to the functions in infra/.
 *
 * Browser-safe by rule, like the rest of the contract: this module imports nothing.
 */

/** ArtAI's Lambda functions, by their handler file in packages/functions/src. */
export const FUNCTIONS = ["api", "worker", "sweeper", "breaker"] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/** The resources a function may touch, by their link names (`Resource.<Name>`), and their kind. */
export const RESOURCES = {
  Uploads: "bucket",
  Outputs: "bucket",
  UploadsReplica: "bucket",
  OutputsReplica: "bucket",
  Jobs: "table",
  Queue: "queue",
  DeadLetterQueue: "queue",
  Model: "endpoint",
} as const;
export type ResourceName = keyof typeof RESOURCES;

/**
 * Which ARN of a resource a grant names: a bucket itself or its objects (`<bucket ARN>/*`), a
 * table itself or one of its indexes (`<table ARN>/index/<name>`), or the resource itself.
 * `"*"` is for actions that have no resource-level permissions.
 */
export type Scope = "bucket" | "objects" | "table" | `index/${string}` | "queue" | "endpoint";

export interface Grant {
  /** The linked resource, or `"*"` for actions AWS cannot scope to a resource. */
  resource: ResourceName | "*";
  scope: Scope | "*";
  /** IAM action names (`service:Action`), never a wildcard. */
  actions: readonly string[];
  /** What in the code needs it. */
  why: string;
  /**
   * Who calls with the function's role: the function's own code (default), or Lambda's event
   * source mapping, which polls the queue for the function.
   */
  caller?: "code" | "event-source-mapping";
}

/** One row of the table: `actions` on `resource` (at `scope`), because of `why`. */
const grant = (
  resource: Grant["resource"],
  scope: Grant["scope"],
  actions: readonly string[],
  why: string,
  caller?: Grant["caller"],
): Grant => ({ resource, scope, actions, why, ...(caller ? { caller } : {}) });

/**
 * The two rows that purge every version of a job's objects from a bucket: list the versions and
 * delete markers (`s3:ListBucketVersions` on the bucket), then delete each one by its version
 * (`s3:DeleteObjectVersion` on the objects).
 */
const purge = (resource: ResourceName, listWhy: string, deleteWhy: string): Grant[] => [
  grant(resource, "bucket", ["s3:ListBucketVersions"], listWhy),
  grant(resource, "objects", ["s3:DeleteObjectVersion"], deleteWhy),
];

/**
 * Every function's permissions. Nothing outside this table is granted (besides KMS). One row a
 * grant: resource, scope, actions, why (and who calls, where it is not the function's own code).
 */
// biome-ignore format: a table reads best one row a line
export const PERMISSIONS: Record<FunctionName, readonly Grant[]> = {
  api: [
    grant("Jobs",            "table",      ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], "reads a job (and the breaker flag, and a rate-limit bucket), creates jobs, takes rate-limit tokens, deletes a job"),
    grant("Jobs",            "index/gsi1", ["dynamodb:Query"], "lists an owner's jobs and counts their open ones (byOwner)"),
    grant("Jobs",            "index/gsi2", ["dynamodb:Query"], "the status page counts the last day's finished jobs (byStatus)"),
    grant("Uploads",         "bucket",     ["s3:ListBucket", "s3:ListBucketVersions"], "the health check's HeadBucket; a job's deletion lists every version of its upload"),
    grant("Uploads",         "objects",    ["s3:PutObject", "s3:GetObject", "s3:DeleteObjectVersion"], "presigns the upload POST and copies an image into a new job; signs the input's download link and reads the copy source; deletes every version on job deletion"),
    grant("Outputs",         "bucket",     ["s3:ListBucket", "s3:ListBucketVersions"], "the health check's HeadBucket; a job's deletion lists every version of its variations"),
    grant("Outputs",         "objects",    ["s3:GetObject", "s3:DeleteObjectVersion"], "signs the variations' download links and reads a variation to vary it again; deletes every version on job deletion"),
    ...purge("UploadsReplica", "a job's deletion lists the replica's versions and delete markers (S3 never replicates a versioned delete)", "a job's deletion deletes every replica version and delete marker"),
    ...purge("OutputsReplica", "a job's deletion lists the replica's versions and delete markers (S3 never replicates a versioned delete)", "a job's deletion deletes every replica version and delete marker"),
    grant("Queue",           "queue",      ["sqs:GetQueueAttributes"], "the status page shows the jobs queue's depth"),
    grant("DeadLetterQueue", "queue",      ["sqs:GetQueueAttributes"], "the status page shows the dead-letter queue's depth"),
    grant("*",               "*",          ["cloudwatch:GetMetricData"], "the status page's request count and model metrics (GetMetricData has no resource-level permissions)"),
  ],
  worker: [
    grant("Jobs",            "table",      ["dynamodb:GetItem", "dynamodb:UpdateItem"], "reads the job, then claims, succeeds, fails or releases it with conditional updates"),
    grant("Uploads",         "bucket",     ["s3:ListBucket"], "a missing upload must answer 404 NoSuchKey (the job fails as UploadMissing), not 403"),
    grant("Uploads",         "objects",    ["s3:GetObject", "s3:GetObjectVersion"], "reads the uploaded image: the version the S3 event names, or the latest for a re-driven job"),
    grant("Outputs",         "objects",    ["s3:PutObject"], "writes the variations"),
    grant("Queue",           "queue",      ["sqs:ChangeMessageVisibility"], "shortens a failed message's visibility for exponential backoff"),
    grant("Queue",           "queue",      ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], "Lambda's event source mapping polls the queue and deletes what succeeded, with the worker's role", "event-source-mapping"),
    grant("Model",           "endpoint",   ["sagemaker:InvokeEndpoint"], "asks the model for the variations"),
  ],
  sweeper: [
    grant("Jobs",            "index/gsi2", ["dynamodb:Query"], "finds jobs that sat queued or processing past their deadline (byStatus)"),
    grant("Jobs",            "table",      ["dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:DeleteItem"], "fails or releases a stuck job with a conditional update; reschedules or drops a deletion record, and removes the job a failed deletion left (byDue is on gsi2)"),
    grant("Uploads",         "bucket",     ["s3:ListBucket", "s3:ListBucketVersions"], "HeadObject of an upload that never came must answer 404, not 403, so the job expires; lists a deleted job's versions to purge them again"),
    grant("Uploads",         "objects",    ["s3:GetObject", "s3:DeleteObjectVersion"], "HeadObject: whether a stuck job's upload arrived; purges a deleted job's versions again"),
    ...purge("Outputs",        "lists a deleted job's variations (late worker writes) to purge them again", "purges a deleted job's variations again"),
    ...purge("UploadsReplica", "lists a deleted job's upload versions that replicated after the deletion", "purges them (deletes of a version do not replicate)"),
    ...purge("OutputsReplica", "lists a deleted job's variation versions that replicated after the deletion", "purges them (deletes of a version do not replicate)"),
    grant("Queue",           "queue",      ["sqs:SendMessage"], "re-drives a job whose upload event was lost or whose delivery died"),
  ],
  breaker: [
    grant("Jobs",            "table",      ["dynamodb:UpdateItem"], "sets or clears the spend breaker's flag (a conditional upsert)"),
  ],
};

/** The ARN a grant names, given the ARN of its resource. */
export function scopedArn(scope: Scope | "*", resourceArn: string): string {
  if (scope === "*") return "*";
  if (scope === "objects") return `${resourceArn}/*`;
  if (scope.startsWith("index/")) return `${resourceArn}/${scope}`;
  return resourceArn;
}

/** One IAM policy statement, as AWS evaluates it (Allow only: ArtAI never needs a Deny). */
export interface PolicyStatement {
  actions: string[];
  resources: string[];
}

/**
 * A function's statements: one per grant, with the resource ARNs filled in. Grants on a
 * resource that `arns` does not name are left out (e.g. the model endpoint under `sst dev`).
 */
export function statementsFor(
  fn: FunctionName,
  arns: Partial<Record<ResourceName, string>>,
): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  for (const grant of PERMISSIONS[fn]) {
    const base = grant.resource === "*" ? "*" : arns[grant.resource];
    if (base === undefined) continue;
    statements.push({ actions: [...grant.actions], resources: [scopedArn(grant.scope, base)] });
  }
  return statements;
}

/** IAM's wildcard match for resources: `*` any run of characters, `?` one; case-sensitive. */
export function matchesResource(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped.replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(arn);
}

/** Whether `statements` allow `action` on `resource`. Action names are case-insensitive in IAM. */
export function allows(statements: PolicyStatement[], action: string, resource: string): boolean {
  const wanted = action.toLowerCase();
  return statements.some(
    (s) =>
      s.actions.some((a) => a.toLowerCase() === wanted) &&
      s.resources.some((r) => matchesResource(r, resource)),
  );
}
