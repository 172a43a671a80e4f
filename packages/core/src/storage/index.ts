/**
 * Where ArtAI keeps images, and how browsers reach them. Uploads land in the Uploads bucket at
 * `uploads/<jobId>/input`; that prefix is what the bucket notifies the queue about. Variations go
 * to the Outputs bucket at `outputs/<jobId>/<index>.<ext>`. Keys are derived from the job id only,
 * so a redelivered message overwrites rather than duplicates.
 */
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { Resource } from "sst";
import { s3 } from "../aws/index.ts";
import {
  IMAGE_URL_EXPIRY_SECONDS,
  JOB_ID_PATTERN,
  OUTPUT_PREFIX,
  REPLICATION,
  type ReplicatedBucket,
  UPLOAD_PREFIX,
} from "../contract/index.ts";

export const inputKey = (jobId: string) => `${UPLOAD_PREFIX}${jobId}/input`;

const EXTENSIONS: Record<string, string> = {
  "image/webp": "webp",
  "image/jpeg": "jpg",
  "image/png": "png",
};
export const outputKey = (jobId: string, index: number, contentType: string) =>
  `${OUTPUT_PREFIX}${jobId}/${index}.${EXTENSIONS[contentType] ?? "bin"}`;

/** The job id an upload key belongs to, or `undefined` for keys ArtAI did not hand out. */
export function jobIdFromInputKey(key: string): string | undefined {
  if (!key.startsWith(UPLOAD_PREFIX) || !key.endsWith("/input")) return undefined;
  const id = key.slice(UPLOAD_PREFIX.length, -"/input".length);
  return JOB_ID_PATTERN.test(id) ? id : undefined;
}

/** S3 event keys are URL-encoded with `+` for spaces. */
export const decodeEventKey = (key: string) => decodeURIComponent(key.replace(/\+/g, " "));

export const buckets = () => ({ uploads: Resource.Uploads.name, outputs: Resource.Outputs.name });

/** A bucket and the region it lives in (default: the function's own). */
export interface BucketLocation {
  name: string;
  region?: string;
}

/** Where a job's images live under each replicated bucket's link name. */
const jobPrefixes = (jobId: string): Record<ReplicatedBucket, string> => ({
  Uploads: `${UPLOAD_PREFIX}${jobId}/`,
  Outputs: `${OUTPUT_PREFIX}${jobId}/`,
});

/**
 * Every place a copy of a job's images can be: both buckets, and each one's replica in the
 * secondary region (from the one replication declaration, `REPLICATION` in the contract).
 */
export function jobLocations(jobId: string): { bucket: BucketLocation; prefix: string }[] {
  const prefixes = jobPrefixes(jobId);
  return (Object.keys(REPLICATION.buckets) as ReplicatedBucket[]).flatMap((name) => {
    const { source, replica } = LINKED[name]();
    return [
      { bucket: { name: source.name }, prefix: prefixes[name] },
      { bucket: { name: replica.name, region: replica.region }, prefix: prefixes[name] },
    ];
  });
}

/** Each replicated bucket's link and its replica's, as `REPLICATION` (the contract) pairs them. */
const LINKED = {
  Uploads: () => ({ source: Resource.Uploads, replica: Resource.UploadsReplica }),
  Outputs: () => ({ source: Resource.Outputs, replica: Resource.OutputsReplica }),
} satisfies {
  [K in ReplicatedBucket]: () => {
    source: Resource[K];
    replica: Resource[(typeof REPLICATION.buckets)[K]];
  };
};

/**
 * Deletes every version and delete marker of a job's images in every bucket, replicas included.
 * S3 never replicates a delete that names a version, so each replica is purged in its own region
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html).
 * The sources go first: a version still on its way to a replica is caught by `Deletion.repurge`.
 */
export async function purgeJob(jobId: string): Promise<void> {
  for (const { bucket, prefix } of jobLocations(jobId)) await purge(bucket, prefix);
}

/** Reads an object (a specific version when given) into memory, refusing anything over `maxBytes`. */
export async function read(
  bucket: string,
  key: string,
  input: { versionId?: string; maxBytes: number },
): Promise<{ body: Buffer; contentType?: string; versionId?: string }> {
  const result = await s3().send(
    new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: input.versionId }),
  );
  if ((result.ContentLength ?? 0) > input.maxBytes) {
    result.Body?.transformToWebStream().cancel();
    throw new RangeError(`object is ${result.ContentLength} bytes, over ${input.maxBytes}`);
  }
  const bytes = await result.Body?.transformToByteArray();
  return {
    body: Buffer.from(bytes ?? []),
    contentType: result.ContentType,
    versionId: result.VersionId,
  };
}

export async function write(bucket: string, key: string, body: Buffer, contentType: string) {
  await s3().send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
  );
}

/** Copies an object between ArtAI's buckets (used to start a job from an existing image). */
export async function copy(
  from: { bucket: string; key: string },
  to: { bucket: string; key: string },
  contentType: string,
) {
  await s3().send(
    new CopyObjectCommand({
      Bucket: to.bucket,
      Key: to.key,
      CopySource: `${from.bucket}/${encodeURI(from.key)}`,
      ContentType: contentType,
      MetadataDirective: "REPLACE",
    }),
  );
}

/** A short-lived link to one object, served with the type ArtAI recorded, not the one stored. */
export function signedUrl(bucket: string, key: string, contentType: string) {
  return getSignedUrl(
    s3(),
    new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentType: contentType }),
    { expiresIn: IMAGE_URL_EXPIRY_SECONDS },
  );
}

/**
 * Deletes every version and delete marker under `prefix` in one bucket, through a client for the
 * bucket's region (in a versioned bucket a plain delete would only add a delete marker).
 */
export async function purge(bucket: BucketLocation, prefix: string) {
  const client = s3(bucket.region);
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await client.send(
      new ListObjectVersionsCommand({
        Bucket: bucket.name,
        Prefix: prefix,
        KeyMarker: keyMarker,
        VersionIdMarker: versionIdMarker,
      }),
    );
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key as string,
      VersionId: v.VersionId,
    }));
    if (objects.length > 0) {
      const result = await client.send(
        new DeleteObjectsCommand({
          Bucket: bucket.name,
          Delete: { Objects: objects, Quiet: true },
        }),
      );
      // A multi-object delete answers 200 even when keys were refused (AccessDenied per key):
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
      const [refused] = result.Errors ?? [];
      if (refused) {
        throw new Error(
          `could not delete ${result.Errors?.length} version(s) under ${prefix} in ${bucket.name}: ${refused.Code} ${refused.Message ?? ""}`.trim(),
        );
      }
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
}

/** Whether a bucket exists and answers. */
export async function reachable(bucket: string): Promise<boolean> {
  try {
    await s3().send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch {
    return false;
  }
}

/** Whether an object exists (its latest version is not a delete marker). */
export async function exists(bucket: string, key: string): Promise<boolean> {
  try {
    await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === "NotFound" || e.$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}
