/** GetObject and HeadObject of the local S3: versions, ranges, conditions and overrides. */
import type { IncomingMessage } from "node:http";
import { pipeline } from "node:stream/promises";
import { accessDenied, S3Error } from "./errors.ts";
import { baseHeaders, httpDate, type RequestContext, send, versionHeader } from "./http.ts";
import { bucketArn } from "./iam.ts";
import type { S3Service } from "./service.ts";
import { headerValue, queryValue } from "./signing.ts";
import type { ObjectVersion } from "./store-types.ts";

const RESPONSE_OVERRIDES: Record<string, string> = {
  "response-content-type": "Content-Type",
  "response-content-language": "Content-Language",
  "response-expires": "Expires",
  "response-cache-control": "Cache-Control",
  "response-content-disposition": "Content-Disposition",
  "response-content-encoding": "Content-Encoding",
};

export async function getObject(
  s: S3Service,
  ctx: RequestContext,
  bucket: string,
  key: string,
  head: boolean,
) {
  const config = s.store.bucket(bucket);
  const versionId = queryValue(ctx.query, "versionId");
  let version: ObjectVersion;
  try {
    version = s.store.getVersion(bucket, key, versionId);
  } catch (error) {
    // Without s3:ListBucket a missing key is AccessDenied, not NoSuchKey, so a caller cannot
    // learn which keys exist: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
    if (
      error instanceof S3Error &&
      error.code === "NoSuchKey" &&
      !s.allowed(ctx.accessKeyId, "s3:ListBucket", bucketArn(bucket))
    ) {
      throw accessDenied();
    }
    throw error;
  }
  const headers: Record<string, string> = {
    "Content-Type": version.contentType,
    "X-Content-Type-Options": "nosniff",
    ETag: version.etag,
    "Last-Modified": httpDate(version.lastModified),
    "Accept-Ranges": "bytes",
    ...versionHeader(config, version),
    ...(version.replicationStatus ? { "x-amz-replication-status": version.replicationStatus } : {}),
  };
  for (const [name, value] of Object.entries(version.headers)) headers[name] = value;
  for (const [name, value] of Object.entries(version.metadata))
    headers[`x-amz-meta-${name}`] = value;
  for (const [param, header] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = queryValue(ctx.query, param);
    if (value !== undefined) headers[header] = value;
  }

  const precondition = checkPreconditions(ctx.req.headers, version);
  if (precondition === 304) {
    const { "Content-Type": _type, ...rest } = headers;
    send(ctx, 304, rest);
    return;
  }

  let status = 200;
  let range: { start: number; end: number } | undefined;
  const rangeHeader = headerValue(ctx.req.headers, "range");
  if (rangeHeader !== undefined && version.size > 0) {
    const parsed = parseRange(rangeHeader, version.size);
    if (parsed === null) {
      throw new S3Error(
        "InvalidRange",
        "The requested range is not satisfiable",
        416,
        {
          RangeRequested: rangeHeader,
          ActualObjectSize: version.size,
        },
        { "Content-Range": `bytes */${version.size}` },
      );
    }
    range = parsed;
    if (range) {
      status = 206;
      headers["Content-Range"] = `bytes ${range.start}-${range.end}/${version.size}`;
    }
  }
  const length = range ? range.end - range.start + 1 : version.size;
  headers["Content-Length"] = String(length);
  const { res } = ctx;
  if (head || length === 0) {
    res.writeHead(status, { ...baseHeaders(ctx), ...headers });
    res.end();
    return;
  }
  const stream = s.store.openBlob(bucket, key, version, range);
  res.writeHead(status, { ...baseHeaders(ctx), ...headers });
  await pipeline(stream, res).catch(() => res.destroy());
}

/** Parses a single `bytes=` range; undefined means "serve the whole object", null unsatisfiable. */
function parseRange(
  header: string,
  size: number,
): { start: number; end: number } | undefined | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, startText = "", endText = ""] = m;
  if (startText === "" && endText === "") return undefined;
  if (startText === "") {
    const suffix = Number(endText);
    if (suffix === 0) return null;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(startText);
  if (start >= size) return null;
  const end = endText === "" ? size - 1 : Math.min(Number(endText), size - 1);
  if (end < start) return undefined;
  return { start, end };
}

function checkPreconditions(
  headers: IncomingMessage["headers"],
  version: ObjectVersion,
): 304 | undefined {
  const ifMatch = headerValue(headers, "if-match");
  const ifNoneMatch = headerValue(headers, "if-none-match");
  const modified = Date.parse(version.lastModified);
  const matches = (list: string) =>
    list
      .split(",")
      .some((tag) => tag.trim() === "*" || tag.trim().replace(/^W\//, "") === version.etag);
  if (ifMatch !== undefined && !matches(ifMatch)) {
    throw new S3Error(
      "PreconditionFailed",
      "At least one of the pre-conditions you specified did not hold",
      412,
      {
        Condition: "If-Match",
      },
    );
  }
  const ifUnmodifiedSince = headerValue(headers, "if-unmodified-since");
  if (
    ifMatch === undefined &&
    ifUnmodifiedSince !== undefined &&
    modified > Date.parse(ifUnmodifiedSince) + 999
  ) {
    throw new S3Error(
      "PreconditionFailed",
      "At least one of the pre-conditions you specified did not hold",
      412,
      {
        Condition: "If-Unmodified-Since",
      },
    );
  }
  if (ifNoneMatch !== undefined) return matches(ifNoneMatch) ? 304 : undefined;
  const ifModifiedSince = headerValue(headers, "if-modified-since");
  if (ifModifiedSince !== undefined && modified <= Date.parse(ifModifiedSince) + 999) return 304;
  return undefined;
}
