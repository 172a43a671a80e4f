/**
 * Storage: the Uploads and Outputs buckets (versioned, SSE-KMS, private, replicated to a
 * second region) and the Jobs table behind ElectroDB's single-table design.
 */
import { REPLICATION, type ReplicatedBucket } from "../packages/core/src/contract/index.ts";
import { isProduction, stage } from "./config.ts";
import { siteOrigins } from "./edge.ts";
import { dataKey, keyOptions, keyPolicy } from "./kms.ts";

const production = isProduction($app.stage);

/** Provider for the secondary region that holds the replicas. */
export const replicaProvider = new aws.Provider("ReplicaRegion", {
  region: stage.replicaRegion as aws.Region,
});

/** Lifecycle shared by every bucket: old versions get cheaper, then go; stale multipart parts go. */
export const VERSION_LIFECYCLE = {
  noncurrentToInfrequentAccessDays: 30,
  noncurrentExpiryDays: 365,
  abortMultipartDays: 7,
} as const;

function lifecycleRules() {
  return [
    {
      id: "noncurrent-versions",
      status: "Enabled",
      filter: {},
      noncurrentVersionTransitions: [
        {
          noncurrentDays: VERSION_LIFECYCLE.noncurrentToInfrequentAccessDays,
          storageClass: "STANDARD_IA",
        },
      ],
      noncurrentVersionExpiration: { noncurrentDays: VERSION_LIFECYCLE.noncurrentExpiryDays },
    },
    {
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: {},
      abortIncompleteMultipartUpload: { daysAfterInitiation: VERSION_LIFECYCLE.abortMultipartDays },
    },
  ];
}

/** Attaches SSE-KMS, BucketOwnerEnforced and the version lifecycle to a versioned bucket. */
function harden(
  name: string,
  bucketName: $util.Input<string>,
  key: aws.kms.Key,
  opts: $util.CustomResourceOptions,
) {
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}Encryption`,
    {
      bucket: bucketName,
      rules: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: key.arn,
          },
          bucketKeyEnabled: true,
        },
      ],
    },
    opts,
  );
  const ownership = new aws.s3.BucketOwnershipControls(
    `${name}Ownership`,
    { bucket: bucketName, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  const lifecycle = new aws.s3.BucketLifecycleConfiguration(
    `${name}Lifecycle`,
    { bucket: bucketName, rules: lifecycleRules() },
    opts,
  );
  return { encryption, ownership, lifecycle };
}

/**
 * A versioned bucket in the secondary region, encrypted with its own key, that receives
 * every object version of `source` through S3 replication, and delete markers as
 * `REPLICATION.deleteMarkers` says. A delete that names a version is never replicated
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html),
 * so the replica is linked (`{ name, region }`) for the code that purges a deleted job.
 */
function replicate(name: ReplicatedBucket, source: sst.aws.Bucket, sourceKey: aws.kms.Key) {
  const opts = { provider: replicaProvider };
  const key = new aws.kms.Key(
    `${name}ReplicaKey`,
    {
      description: `ArtAI ${$app.stage}: ${name} replica in ${stage.replicaRegion}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy(),
    },
    { ...opts, ...keyOptions },
  );
  const bucket = new aws.s3.Bucket(`${name}Replica`, { forceDestroy: !production }, opts);
  const versioning = new aws.s3.BucketVersioning(
    `${name}ReplicaVersioning`,
    { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } },
    opts,
  );
  new aws.s3.BucketPublicAccessBlock(
    `${name}ReplicaPublicAccessBlock`,
    {
      bucket: bucket.bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  harden(`${name}Replica`, bucket.bucket, key, { ...opts, dependsOn: [versioning] });

  const role = new aws.iam.Role(`${name}ReplicationRole`, {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "s3.amazonaws.com" }),
  });
  const replicationPolicy = new aws.iam.RolePolicy(`${name}ReplicationPolicy`, {
    role: role.id,
    policy: aws.iam.getPolicyDocumentOutput({
      statements: [
        {
          actions: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
          resources: [source.arn],
        },
        {
          actions: [
            "s3:GetObjectVersionForReplication",
            "s3:GetObjectVersionAcl",
            "s3:GetObjectVersionTagging",
          ],
          resources: [$interpolate`${source.arn}/*`],
        },
        {
          actions: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
          resources: [$interpolate`${bucket.arn}/*`],
        },
        { actions: ["kms:Decrypt"], resources: [sourceKey.arn] },
        { actions: ["kms:Encrypt", "kms:GenerateDataKey"], resources: [key.arn] },
      ],
    }).json,
  });
  const replication = new aws.s3.BucketReplicationConfig(
    `${name}Replication`,
    {
      bucket: source.name,
      role: role.arn,
      rules: [
        {
          id: "replicate-everything",
          status: "Enabled",
          priority: 1,
          filter: {},
          deleteMarkerReplication: { status: REPLICATION.deleteMarkers ? "Enabled" : "Disabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: {
            bucket: bucket.arn,
            storageClass: "STANDARD_IA",
            encryptionConfiguration: { replicaKmsKeyId: key.arn },
          },
        },
      ],
    },
    // Replication needs versioning on both sides first. S3 replicates with the role as soon as the
    // configuration exists, so the role's policy must exist before it (the role's ARN alone does
    // not order them), or the first objects' replication fails.
    { dependsOn: [source, versioning, replicationPolicy] },
  );
  const link = new sst.Linkable(REPLICATION.buckets[name], {
    properties: { name: bucket.bucket, region: stage.replicaRegion },
  });
  return { bucket, key, replication, replicationPolicy, link };
}

/**
 * A private, versioned, SSE-KMS bucket whose CORS allows only the site's origins, with a
 * replica in the secondary region.
 */
function dataBucket(name: ReplicatedBucket, methods: ("GET" | "HEAD" | "POST")[]) {
  const bucket = new sst.aws.Bucket(name, {
    versioning: true,
    cors: {
      allowOrigins: siteOrigins,
      allowMethods: methods,
      allowHeaders: ["*"],
      exposeHeaders: ["ETag"],
      maxAge: "1 hour",
    },
    transform: { bucket: { forceDestroy: !production } },
  });
  const hardening = harden(name, bucket.name, dataKey, { dependsOn: [bucket] });
  const replica = replicate(name, bucket, dataKey);
  return { bucket, ...hardening, replica };
}

const uploadsStore = dataBucket("Uploads", ["POST", "GET", "HEAD"]);
const outputsStore = dataBucket("Outputs", ["GET", "HEAD"]);

/** Originals, written by the browser's presigned POST under `uploads/`. Linked as `Uploads`. */
export const uploads = uploadsStore.bucket;
/** Generated variations under `outputs/`. Linked as `Outputs`. */
export const outputs = outputsStore.bucket;
/** The secondary-region replicas, for the failover runbook in docs/deploy.md. */
export const uploadsReplica = uploadsStore.replica;
export const outputsReplica = outputsStore.replica;
/**
 * The replicas as links, `{ name, region }`: `Resource.UploadsReplica`, `Resource.OutputsReplica`.
 * Linked to the functions that purge a deleted job's images everywhere.
 */
export const replicaLinks = [uploadsReplica.link, outputsReplica.link];

/**
 * The Jobs table of ElectroDB's single-table design: `pk`/`sk` plus the `gsi1` and `gsi2`
 * indexes, with point-in-time recovery and the data key.
 */
export const jobs = new sst.aws.Dynamo("Jobs", {
  fields: {
    pk: "string",
    sk: "string",
    gsi1pk: "string",
    gsi1sk: "string",
    gsi2pk: "string",
    gsi2sk: "string",
  },
  primaryIndex: { hashKey: "pk", rangeKey: "sk" },
  globalIndexes: {
    gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk" },
    gsi2: { hashKey: "gsi2pk", rangeKey: "gsi2sk" },
  },
  // Short-lived items (the API's per-client rate-limit buckets) carry `expiresAt` in epoch
  // seconds; DynamoDB deletes them after that. Jobs have no such attribute and are kept.
  ttl: "expiresAt",
  deletionProtection: production,
  transform: {
    table: (args) => {
      args.pointInTimeRecovery = { enabled: true };
      args.serverSideEncryption = { enabled: true, kmsKeyArn: dataKey.arn };
    },
  },
});
