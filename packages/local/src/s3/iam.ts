/**
 * Which IAM action on which ARN an S3 REST request needs, from AWS's service authorization
 * reference for S3 (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
 * Action names are not API names: HeadBucket needs `s3:ListBucket`, HeadObject `s3:GetObject`,
 * ListObjectVersions `s3:ListBucketVersions`, a request naming a version the `…Version` action,
 * and a multipart upload's every step `s3:PutObject`. Checks that depend on the request body or
 * on another object (each key of a DeleteObjects, a copy's source, a POST upload's key) are made
 * where the server reads them (router.ts).
 */
import type { IncomingHttpHeaders } from "node:http";
import { type Query, queryValue } from "./signing.ts";

export interface Permission {
  action: string;
  resource: string;
}

export const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
export const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;

const has = (query: Query, name: string) => Object.hasOwn(query, name);

/** Bucket subresources and the actions that read (GET), write (PUT) or remove (DELETE) them. */
const BUCKET_SUBRESOURCES: Record<string, { GET: string; PUT: string; DELETE?: string }> = {
  versioning: { GET: "GetBucketVersioning", PUT: "PutBucketVersioning" },
  cors: { GET: "GetBucketCORS", PUT: "PutBucketCORS", DELETE: "PutBucketCORS" },
  policy: { GET: "GetBucketPolicy", PUT: "PutBucketPolicy", DELETE: "DeleteBucketPolicy" },
  acl: { GET: "GetBucketAcl", PUT: "PutBucketAcl" },
  lifecycle: {
    GET: "GetLifecycleConfiguration",
    PUT: "PutLifecycleConfiguration",
    DELETE: "PutLifecycleConfiguration",
  },
  notification: { GET: "GetBucketNotification", PUT: "PutBucketNotification" },
  replication: {
    GET: "GetReplicationConfiguration",
    PUT: "PutReplicationConfiguration",
    DELETE: "PutReplicationConfiguration",
  },
  encryption: {
    GET: "GetEncryptionConfiguration",
    PUT: "PutEncryptionConfiguration",
    DELETE: "PutEncryptionConfiguration",
  },
  tagging: { GET: "GetBucketTagging", PUT: "PutBucketTagging", DELETE: "PutBucketTagging" },
  publicAccessBlock: {
    GET: "GetBucketPublicAccessBlock",
    PUT: "PutBucketPublicAccessBlock",
    DELETE: "PutBucketPublicAccessBlock",
  },
  ownershipControls: {
    GET: "GetBucketOwnershipControls",
    PUT: "PutBucketOwnershipControls",
    DELETE: "PutBucketOwnershipControls",
  },
  website: { GET: "GetBucketWebsite", PUT: "PutBucketWebsite", DELETE: "DeleteBucketWebsite" },
  logging: { GET: "GetBucketLogging", PUT: "PutBucketLogging" },
  location: { GET: "GetBucketLocation", PUT: "CreateBucket" },
  versions: { GET: "ListBucketVersions", PUT: "CreateBucket" },
  uploads: { GET: "ListBucketMultipartUploads", PUT: "CreateBucket" },
};

/** The permission a REST request needs before it runs (none for a bucket's POST ?delete). */
export function requiredPermission(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  query: Query,
  headers: IncomingHttpHeaders,
): Permission | undefined {
  const s3 = (action: string, resource: string) => ({ action: `s3:${action}`, resource });
  if (bucket === undefined) return method === "GET" ? s3("ListAllMyBuckets", "*") : undefined;
  if (key === undefined) {
    const arn = bucketArn(bucket);
    for (const [name, actions] of Object.entries(BUCKET_SUBRESOURCES)) {
      if (!has(query, name)) continue;
      const action = actions[method as "GET" | "PUT" | "DELETE"];
      if (action) return s3(action, arn);
    }
    if (method === "GET" || method === "HEAD") return s3("ListBucket", arn);
    if (method === "PUT") return s3("CreateBucket", arn);
    if (method === "DELETE") return s3("DeleteBucket", arn);
    return undefined;
  }
  const arn = objectArn(bucket, key);
  const versioned = queryValue(query, "versionId") !== undefined;
  const uploadId = queryValue(query, "uploadId") !== undefined;
  switch (method) {
    case "GET":
    case "HEAD":
      if (uploadId) return s3("ListMultipartUploadParts", arn);
      if (has(query, "tagging"))
        return s3(versioned ? "GetObjectVersionTagging" : "GetObjectTagging", arn);
      if (has(query, "acl")) return s3(versioned ? "GetObjectVersionAcl" : "GetObjectAcl", arn);
      return s3(versioned ? "GetObjectVersion" : "GetObject", arn);
    case "PUT":
      if (has(query, "tagging") && headers["x-amz-copy-source"] === undefined)
        return s3(versioned ? "PutObjectVersionTagging" : "PutObjectTagging", arn);
      if (has(query, "acl")) return s3(versioned ? "PutObjectVersionAcl" : "PutObjectAcl", arn);
      return s3("PutObject", arn);
    case "DELETE":
      if (uploadId) return s3("AbortMultipartUpload", arn);
      if (has(query, "tagging"))
        return s3(versioned ? "DeleteObjectVersionTagging" : "DeleteObjectTagging", arn);
      return s3(versioned ? "DeleteObjectVersion" : "DeleteObject", arn);
    case "POST":
      return s3("PutObject", arn);
    default:
      return undefined;
  }
}
