/** Object writes of the local S3: PutObject, CopyObject, DeleteObject and DeleteObjects. */
import type { Authenticated } from "./auth.ts";
import { MAX_PUT_BYTES, payloadOf } from "./body.ts";
import { invalidArgument, invalidRequest, malformedXml, S3Error } from "./errors.ts";
import {
  objectAttributes,
  parseQuery,
  type RequestContext,
  readXmlBody,
  safeDecode,
  send,
  sendXml,
  versionHeader,
} from "./http.ts";
import { objectArn } from "./iam.ts";
import type { S3Service } from "./service.ts";
import { headerValue, queryValue } from "./signing.ts";
import { text } from "./xml.ts";

export async function putObject(
  s: S3Service,
  ctx: RequestContext,
  bucket: string,
  key: string,
  auth: Authenticated,
) {
  const config = s.store.bucket(bucket);
  const declared = Number(
    headerValue(ctx.req.headers, "x-amz-decoded-content-length") ??
      headerValue(ctx.req.headers, "content-length") ??
      0,
  );
  if (declared > MAX_PUT_BYTES) {
    throw new S3Error(
      "EntityTooLarge",
      "Your proposed upload exceeds the maximum allowed size",
      400,
      {
        ProposedSize: declared,
        MaxSizeAllowed: MAX_PUT_BYTES,
      },
    );
  }
  const hoisted: Record<string, string> = {};
  if (auth.presigned) {
    for (const [name, value] of Object.entries(ctx.query)) {
      if (name.toLowerCase().startsWith("x-amz-checksum-") && typeof value === "string") {
        hoisted[name.toLowerCase()] = value;
      }
    }
  }
  const payload = payloadOf(ctx.req, auth.payloadHash, hoisted);
  const received = await s.store.receive(payload.stream);
  let summary: ReturnType<typeof payload.finish>;
  try {
    summary = payload.finish();
  } catch (error) {
    await received.discard();
    throw error;
  }
  const attributes = objectAttributes(ctx.req.headers);
  const committed = await received.commit(bucket, key, {
    ...attributes,
    size: summary.size,
    etag: `"${summary.md5Hex}"`,
  });
  await s.notify(ctx, config, "ObjectCreated:Put", key, committed);
  send(ctx, 200, {
    ETag: committed.version.etag,
    ...versionHeader(config, committed.version),
  });
}

export async function copyObject(s: S3Service, ctx: RequestContext, bucket: string, key: string) {
  const config = s.store.bucket(bucket);
  const source = headerValue(ctx.req.headers, "x-amz-copy-source") ?? "";
  const [pathPart = "", queryPart = ""] = source.split("?", 2);
  const sourcePath = safeDecode(pathPart).replace(/^\//, "");
  const slash = sourcePath.indexOf("/");
  if (slash <= 0 || slash === sourcePath.length - 1) {
    throw invalidArgument(
      "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
      "x-amz-copy-source",
      source,
    );
  }
  const sourceBucket = sourcePath.slice(0, slash);
  const sourceKey = sourcePath.slice(slash + 1);
  const sourceVersionId = queryValue(parseQuery(queryPart), "versionId");
  // CopyObject reads the source with the caller's rights (s3:GetObject, or
  // s3:GetObjectVersion for a named version): https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
  s.authorize(
    ctx,
    sourceVersionId === undefined ? "s3:GetObject" : "s3:GetObjectVersion",
    objectArn(sourceBucket, sourceKey),
  );
  const sourceConfig = s.store.bucket(sourceBucket);
  const sourceVersion = s.store.getVersion(sourceBucket, sourceKey, sourceVersionId);
  const directive = (
    headerValue(ctx.req.headers, "x-amz-metadata-directive") ?? "COPY"
  ).toUpperCase();
  if (directive !== "COPY" && directive !== "REPLACE") {
    throw invalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", directive);
  }
  if (
    directive === "COPY" &&
    sourceBucket === bucket &&
    sourceKey === key &&
    config.versioning !== "Enabled"
  ) {
    throw invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const attributes =
    directive === "REPLACE"
      ? objectAttributes(ctx.req.headers)
      : {
          contentType: sourceVersion.contentType,
          headers: sourceVersion.headers,
          metadata: sourceVersion.metadata,
        };
  const received = await s.store.copyToTemp(sourceBucket, sourceKey, sourceVersion);
  const committed = await received.commit(bucket, key, {
    ...attributes,
    size: sourceVersion.size,
    etag: sourceVersion.etag,
  });
  await s.notify(ctx, config, "ObjectCreated:Copy", key, committed);
  const headers: Record<string, string> = { ...versionHeader(config, committed.version) };
  if (sourceConfig.versioning !== undefined)
    headers["x-amz-copy-source-version-id"] = sourceVersion.versionId;
  sendXml(
    ctx,
    "CopyObjectResult",
    {
      ETag: committed.version.etag,
      LastModified: committed.version.lastModified,
    },
    headers,
  );
}

export async function deleteObject(s: S3Service, ctx: RequestContext, bucket: string, key: string) {
  s.store.bucket(bucket);
  const result = await s.store.deleteObject(bucket, key, queryValue(ctx.query, "versionId"));
  const headers: Record<string, string> = {};
  if (result.deleteMarker) headers["x-amz-delete-marker"] = "true";
  if (result.versionId !== undefined) headers["x-amz-version-id"] = result.versionId;
  send(ctx, 204, headers);
}

export async function deleteObjects(
  s: S3Service,
  ctx: RequestContext,
  bucket: string,
  auth: Authenticated,
) {
  s.store.bucket(bucket);
  const hasDigest =
    ctx.req.headers["content-md5"] !== undefined ||
    Object.keys(ctx.req.headers).some((h) => h.startsWith("x-amz-checksum-")) ||
    ctx.req.headers["x-amz-trailer"] !== undefined;
  if (!hasDigest) {
    throw invalidRequest("Missing required header for this request: Content-Md5");
  }
  const doc = await readXmlBody(ctx, auth, "Delete");
  const objects = (doc.Object as Record<string, unknown>[] | undefined) ?? [];
  if (objects.length > 1000) throw malformedXml();
  const quiet = text(doc, "Quiet") === "true";
  const deleted: Record<string, unknown>[] = [];
  const errors: Record<string, unknown>[] = [];
  for (const object of objects) {
    const key = typeof object.Key === "string" ? object.Key : undefined;
    if (key === undefined) throw malformedXml();
    const versionId = text(object, "VersionId");
    // Multi-object delete is authorised key by key, and a refusal is that key's Error.
    const action = versionId === undefined ? "s3:DeleteObject" : "s3:DeleteObjectVersion";
    if (!s.allowed(ctx.accessKeyId, action, objectArn(bucket, key))) {
      errors.push({
        Key: key,
        ...(versionId ? { VersionId: versionId } : {}),
        Code: "AccessDenied",
        Message: "Access Denied",
      });
      continue;
    }
    try {
      const result = await s.store.deleteObject(bucket, key, versionId);
      if (quiet) continue;
      deleted.push({
        Key: key,
        ...(versionId !== undefined ? { VersionId: versionId } : {}),
        ...(result.deleteMarker ? { DeleteMarker: true } : {}),
        ...(result.deleteMarker && result.versionId !== undefined && versionId === undefined
          ? { DeleteMarkerVersionId: result.versionId }
          : {}),
      });
    } catch (error) {
      const s3 =
        error instanceof S3Error ? error : new S3Error("InternalError", "Internal error", 500);
      errors.push({
        Key: key,
        ...(versionId ? { VersionId: versionId } : {}),
        Code: s3.code,
        Message: s3.message,
      });
    }
  }
  sendXml(ctx, "DeleteResult", { Deleted: deleted, Error: errors });
}
