/**
 * The router of the local S3: CORS, the browser POST, authentication and IAM, then one
 * operation per method and subresource (bucket-ops, list-ops, object-ops, object-read,
 * multipart-ops, post-object).
 */

import {
  configurationNamed,
  createBucket,
  deleteBucket,
  deleteCors,
  getCors,
  getLocation,
  getVersioning,
  headBucket,
  listBuckets,
  preflight,
  putConfiguration,
} from "./bucket-ops.ts";
import { matchCors } from "./cors.ts";
import { S3Error } from "./errors.ts";
import {
  has,
  MAX_KEY_BYTES,
  methodNotAllowed,
  notImplemented,
  type RequestContext,
  sendError,
} from "./http.ts";
import { requiredPermission } from "./iam.ts";
import { listObjects, listVersions } from "./list-ops.ts";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  uploadPart,
} from "./multipart-ops.ts";
import { copyObject, deleteObject, deleteObjects, putObject } from "./object-ops.ts";
import { getObject } from "./object-read.ts";
import { postObject } from "./post-object.ts";
import { S3Service, type ServerDeps } from "./service.ts";
import { headerValue, queryValue } from "./signing.ts";

export type { RequestContext } from "./http.ts";
export { parseQuery } from "./http.ts";
export type { ServerDeps } from "./service.ts";

const UNSUPPORTED_SUBRESOURCES = [
  "accelerate",
  "acl",
  "analytics",
  "attributes",
  "encryption",
  "intelligent-tiering",
  "inventory",
  "legal-hold",
  "lifecycle",
  "logging",
  "metrics",
  "notification",
  "object-lock",
  "ownershipControls",
  "policy",
  "policyStatus",
  "publicAccessBlock",
  "replication",
  "requestPayment",
  "restore",
  "retention",
  "select",
  "tagging",
  "torrent",
  "website",
];

/** The HTTP handler of the local S3: routes each request to its operation. */
export class S3Handler {
  private readonly s: S3Service;

  constructor(deps: ServerDeps) {
    this.s = new S3Service(deps);
  }

  async handle(ctx: RequestContext): Promise<void> {
    const { req } = ctx;
    const method = req.method ?? "GET";
    if (
      ctx.bucket !== undefined &&
      ctx.origin !== undefined &&
      this.s.store.hasBucket(ctx.bucket)
    ) {
      const rules = this.s.store.bucket(ctx.bucket).cors;
      ctx.cors = method === "OPTIONS" ? undefined : matchCors(rules, ctx.origin, method);
    }
    if (method === "OPTIONS") return preflight(this.s, ctx);
    if (
      method === "POST" &&
      ctx.bucket !== undefined &&
      ctx.key === undefined &&
      (headerValue(req.headers, "content-type") ?? "")
        .toLowerCase()
        .startsWith("multipart/form-data")
    ) {
      return postObject(this.s, ctx, ctx.bucket);
    }
    const auth = await this.s.deps.verifier.verifyRequest({
      method,
      rawPath: ctx.rawPath,
      query: ctx.query,
      headers: req.headers,
      region: this.s.regionOf(ctx.bucket),
    });
    ctx.accessKeyId = auth.accessKeyId;
    // As on AWS, authorisation comes before the operation: a caller that may not
    // PutBucketPolicy hears AccessDenied, whether or not the operation would work.
    const permission = requiredPermission(method, ctx.bucket, ctx.key, ctx.query, req.headers);
    if (permission) this.s.authorize(ctx, permission.action, permission.resource);
    for (const sub of UNSUPPORTED_SUBRESOURCES) {
      if (has(ctx.query, sub)) {
        throw new S3Error(
          "NotImplemented",
          `The local S3 does not implement the '${sub}' subresource.`,
          501,
        );
      }
    }
    const { bucket, key } = ctx;
    if (bucket === undefined) {
      if (method === "GET") return listBuckets(this.s, ctx);
      throw methodNotAllowed(method, "Service");
    }
    if (key === undefined) {
      const configuration = configurationNamed(ctx.query);
      switch (method) {
        case "PUT":
          if (configuration) return putConfiguration(this.s, ctx, bucket, auth, configuration);
          return createBucket(this.s, ctx, bucket, auth);
        case "GET":
          if (has(ctx.query, "versioning")) return getVersioning(this.s, ctx, bucket);
          if (has(ctx.query, "cors")) return getCors(this.s, ctx, bucket);
          if (has(ctx.query, "location")) return getLocation(this.s, ctx, bucket);
          if (has(ctx.query, "versions")) return listVersions(this.s, ctx, bucket);
          if (has(ctx.query, "uploads")) throw notImplemented("ListMultipartUploads");
          return listObjects(this.s, ctx, bucket);
        case "HEAD":
          return headBucket(this.s, ctx, bucket);
        case "DELETE":
          if (has(ctx.query, "cors")) return deleteCors(this.s, ctx, bucket);
          return deleteBucket(this.s, ctx, bucket);
        case "POST":
          if (has(ctx.query, "delete")) return deleteObjects(this.s, ctx, bucket, auth);
          throw methodNotAllowed(method, "Bucket");
        default:
          throw methodNotAllowed(method, "Bucket");
      }
    }
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
      throw new S3Error("KeyTooLongError", "Your key is too long", 400, {
        MaxSizeAllowed: MAX_KEY_BYTES,
        Size: Buffer.byteLength(key),
      });
    }
    const uploadId = queryValue(ctx.query, "uploadId");
    const upload = uploadId === undefined ? undefined : { bucket, key, uploadId };
    switch (method) {
      case "PUT":
        if (upload) {
          if (req.headers["x-amz-copy-source"] !== undefined)
            throw notImplemented("UploadPartCopy");
          return uploadPart(this.s, ctx, upload, auth);
        }
        if (req.headers["x-amz-copy-source"] !== undefined)
          return copyObject(this.s, ctx, bucket, key);
        return putObject(this.s, ctx, bucket, key, auth);
      case "GET":
      case "HEAD":
        if (uploadId !== undefined) throw notImplemented("ListParts");
        if (has(ctx.query, "partNumber")) throw notImplemented("GetObject by part number");
        return getObject(this.s, ctx, bucket, key, method === "HEAD");
      case "DELETE":
        if (upload) return abortMultipartUpload(this.s, ctx, upload);
        return deleteObject(this.s, ctx, bucket, key);
      case "POST":
        if (has(ctx.query, "uploads")) return createMultipartUpload(this.s, ctx, bucket, key);
        if (upload) return completeMultipartUpload(this.s, ctx, upload, auth);
        throw methodNotAllowed(method, "Object");
      default:
        throw methodNotAllowed(method, "Object");
    }
  }

  /** Writes an S3 XML error (no body for HEAD, as S3 does). */
  sendError(ctx: RequestContext, error: unknown) {
    sendError(ctx, error);
  }
}
