/** Multipart uploads of the local S3: create, upload a part, complete, abort. */
import type { Authenticated } from "./auth.ts";
import { payloadOf } from "./body.ts";
import { malformedXml } from "./errors.ts";
import {
  objectAttributes,
  type RequestContext,
  readXmlBody,
  send,
  sendXml,
  versionHeader,
} from "./http.ts";
import type { MultipartUploads } from "./multipart.ts";
import type { S3Service } from "./service.ts";
import { headerValue, queryValue, strictEncode } from "./signing.ts";
import { text } from "./xml.ts";

export async function createMultipartUpload(
  s: S3Service,
  ctx: RequestContext,
  bucket: string,
  key: string,
) {
  s.store.bucket(bucket);
  const uploadId = await s.multipart.create({
    bucket,
    key,
    ...objectAttributes(ctx.req.headers),
  });
  sendXml(ctx, "InitiateMultipartUploadResult", {
    Bucket: bucket,
    Key: key,
    UploadId: uploadId,
  });
}

/** A multipart upload as a request names it: `?uploadId=` on the object's path. */
export interface UploadTarget {
  bucket: string;
  key: string;
  uploadId: string;
}

/** The bucket, then the upload in it (checked in that order), for a request naming an upload. */
async function openUpload(s: S3Service, { bucket, key, uploadId }: UploadTarget) {
  const config = s.store.bucket(bucket);
  return { config, upload: await s.multipart.get(uploadId, bucket, key) };
}

export async function uploadPart(
  s: S3Service,
  ctx: RequestContext,
  target: UploadTarget,
  auth: Authenticated,
) {
  await openUpload(s, target);
  const partNumber = Number(queryValue(ctx.query, "partNumber"));
  const payload = payloadOf(ctx.req, auth.payloadHash);
  const received = await s.store.receive(payload.stream);
  let part: Awaited<ReturnType<MultipartUploads["addPart"]>>;
  try {
    const summary = payload.finish();
    part = await s.multipart.addPart(
      target.uploadId,
      partNumber,
      received.path,
      summary.size,
      summary.md5Hex,
    );
  } catch (error) {
    await received.discard();
    throw error;
  }
  send(ctx, 200, { ETag: part.etag });
}

export async function completeMultipartUpload(
  s: S3Service,
  ctx: RequestContext,
  target: UploadTarget,
  auth: Authenticated,
) {
  const { config, upload } = await openUpload(s, target);
  const { bucket, key, uploadId } = target;
  const doc = await readXmlBody(ctx, auth, "CompleteMultipartUpload");
  const parts = ((doc.Part as Record<string, unknown>[] | undefined) ?? []).map((part) => {
    const partNumber = Number(text(part, "PartNumber"));
    const etag = text(part, "ETag");
    if (!Number.isInteger(partNumber) || etag === undefined) throw malformedXml();
    return { partNumber, etag };
  });
  const assembled = await s.multipart.assemble(uploadId, parts);
  const committed = await s.store.commitFile(bucket, key, assembled.path, {
    contentType: upload.contentType,
    headers: upload.headers,
    metadata: upload.metadata,
    size: assembled.size,
    etag: assembled.etag,
  });
  await s.multipart.remove(uploadId);
  await s.notify(ctx, config, "ObjectCreated:CompleteMultipartUpload", key, committed);
  const host = headerValue(ctx.req.headers, "host") ?? "localhost";
  sendXml(
    ctx,
    "CompleteMultipartUploadResult",
    {
      Location: `http://${host}/${bucket}/${key.split("/").map(strictEncode).join("/")}`,
      Bucket: bucket,
      Key: key,
      ETag: committed.version.etag,
    },
    versionHeader(config, committed.version),
  );
}

export async function abortMultipartUpload(
  s: S3Service,
  ctx: RequestContext,
  target: UploadTarget,
) {
  await openUpload(s, target);
  await s.multipart.remove(target.uploadId);
  send(ctx, 204);
}
