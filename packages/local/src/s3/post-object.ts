/** The browser POST upload of the local S3 (a form signed by `@aws-sdk/s3-presigned-post`). */
import type { Readable } from "node:stream";
import busboy from "busboy";
import { MAX_PUT_BYTES, measure } from "./body.ts";
import { accessDenied, invalidArgument, S3Error } from "./errors.ts";
import {
  DEFAULT_CONTENT_TYPE,
  MAX_KEY_BYTES,
  malformedPost,
  type RequestContext,
  send,
  sendXml,
  versionHeader,
} from "./http.ts";
import { objectArn } from "./iam.ts";
import { checkPostPolicy } from "./post-policy.ts";
import type { S3Service } from "./service.ts";
import { headerValue, strictEncode } from "./signing.ts";
import { type Committed, STORED_HEADERS } from "./store-types.ts";

/** S3 replaces this literal in a POST form's key with the uploaded file's name. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: S3's own placeholder syntax, not a template.
const FILENAME_VARIABLE = "${filename}";

export async function postObject(s: S3Service, ctx: RequestContext, bucket: string) {
  const config = s.store.bucket(bucket);
  const fields = new Map<string, string>();
  const { req } = ctx;
  const uploaded = await new Promise<{ key: string; committed: Committed }>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 100, fieldSize: 64 * 1024, fileSize: MAX_PUT_BYTES },
      });
    } catch {
      reject(
        malformedPost("The body of your POST request is not well-formed multipart/form-data."),
      );
      return;
    }
    let sawFile = false;
    parser.on("field", (name, value) => {
      if (!sawFile) fields.set(name.toLowerCase(), value);
    });
    parser.on("file", (name, stream, info) => {
      if (sawFile || name.toLowerCase() !== "file") {
        stream.resume();
        return;
      }
      sawFile = true;
      receivePostFile(s, bucket, fields, stream, info.filename ?? "").then(resolve, (error) => {
        stream.resume();
        reject(error);
      });
    });
    parser.on("close", () => {
      if (!sawFile) {
        reject(invalidArgument("POST requires exactly one file upload per request.", "file", "0"));
      }
    });
    parser.on("error", () =>
      reject(
        malformedPost("The body of your POST request is not well-formed multipart/form-data."),
      ),
    );
    req.pipe(parser);
  });
  const { key, committed } = uploaded;
  await s.notify(ctx, config, "ObjectCreated:Post", key, committed);

  const location = `http://${headerValue(req.headers, "host") ?? "localhost"}/${bucket}/${key.split("/").map(strictEncode).join("/")}`;
  const headers: Record<string, string> = {
    ETag: committed.version.etag,
    Location: location,
    ...versionHeader(config, committed.version),
  };
  const redirect = fields.get("success_action_redirect") ?? fields.get("redirect");
  if (redirect) {
    const target = new URL(redirect);
    target.searchParams.set("bucket", bucket);
    target.searchParams.set("key", key);
    target.searchParams.set("etag", committed.version.etag);
    send(ctx, 303, { ...headers, Location: target.toString() });
    return;
  }
  const status = fields.get("success_action_status");
  if (status === "201") {
    sendXml(
      ctx,
      "PostResponse",
      { Location: location, Bucket: bucket, Key: key, ETag: committed.version.etag },
      headers,
      201,
    );
  } else {
    send(ctx, status === "200" ? 200 : 204, headers);
  }
}

export async function receivePostFile(
  s: S3Service,
  bucket: string,
  fields: Map<string, string>,
  file: Readable,
  filename: string,
) {
  const policy = fields.get("policy");
  if (!policy)
    throw accessDenied("Anonymous POST uploads are not allowed; a signed policy is required.");
  const { accessKeyId } = await s.deps.verifier.verifyPolicySignature({
    policy,
    "x-amz-algorithm": fields.get("x-amz-algorithm"),
    "x-amz-credential": fields.get("x-amz-credential"),
    "x-amz-date": fields.get("x-amz-date"),
    "x-amz-signature": fields.get("x-amz-signature"),
    region: s.regionOf(bucket),
  });
  const rawKey = fields.get("key");
  if (!rawKey) {
    throw invalidArgument(
      "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
      "key",
      "",
    );
  }
  const key = rawKey.replaceAll(FILENAME_VARIABLE, filename);
  fields.set("key", key);
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new S3Error("KeyTooLongError", "Your key is too long", 400, {
      MaxSizeAllowed: MAX_KEY_BYTES,
    });
  }
  // A presigned POST acts with its signer's rights: s3:PutObject on the key.
  if (!s.allowed(accessKeyId, "s3:PutObject", objectArn(bucket, key))) throw accessDenied();
  const range = checkPostPolicy(policy, fields, bucket, Date.now());
  const payload = measure(file, range?.max ?? MAX_PUT_BYTES);
  const received = await s.store.receive(payload.stream);
  const summary = payload.finish();
  if (range && summary.size < range.min) {
    await received.discard();
    throw new S3Error(
      "EntityTooSmall",
      "Your proposed upload is smaller than the minimum allowed size",
      400,
      {
        ProposedSize: summary.size,
        MinSizeAllowed: range.min,
      },
    );
  }
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = fields.get(name);
    if (value !== undefined) headers[name] = value;
  }
  const metadata: Record<string, string> = {};
  for (const [name, value] of fields) {
    if (name.startsWith("x-amz-meta-")) metadata[name.slice("x-amz-meta-".length)] = value;
  }
  const committed = await received.commit(bucket, key, {
    size: summary.size,
    etag: `"${summary.md5Hex}"`,
    contentType: fields.get("content-type") ?? DEFAULT_CONTENT_TYPE,
    headers,
    metadata,
  });
  return { key, committed };
}
