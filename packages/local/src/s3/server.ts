import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import type { Authorizer } from "../iam/index.ts";
import {
  type Authenticated,
  headerValue,
  type Query,
  queryValue,
  type SigV4Verifier,
  strictEncode,
} from "./auth.ts";
import { drain, MAX_PUT_BYTES, measure, payloadOf, readSmallBody } from "./body.ts";
import { corsResponseHeaders, matchCors, parseRequestHeaders, preflightHeaders } from "./cors.ts";
import { accessDenied, invalidArgument, invalidRequest, malformedXml, S3Error } from "./errors.ts";
import {
  encodeEventKey,
  LOCAL_PRINCIPAL,
  matchNotification,
  type ObjectCreatedEventName,
  type S3Notification,
  type S3ObjectCreatedRecord,
} from "./events.ts";
import { bucketArn, objectArn, requiredPermission } from "./iam.ts";
import { groupListing } from "./listing.ts";
import type { MultipartUploads } from "./multipart.ts";
import { checkPostPolicy } from "./post-policy.ts";
import {
  type BucketConfig,
  type Committed,
  type CorsRule,
  type ObjectStore,
  type ObjectVersion,
  STORED_HEADERS,
  versionOrder,
} from "./store.ts";
import { parseXml, text, toXml } from "./xml.ts";

const OWNER = { ID: LOCAL_PRINCIPAL, DisplayName: "artai-local" };
const DEFAULT_CONTENT_TYPE = "binary/octet-stream";
const MAX_KEY_BYTES = 1024;
/** S3 replaces this literal in a POST form's key with the uploaded file's name. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: S3's own placeholder syntax, not a template.
const FILENAME_VARIABLE = "${filename}";

/** Subresources this server does not implement; answering them as plain GETs would be wrong. */
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

const RESPONSE_OVERRIDES: Record<string, string> = {
  "response-content-type": "Content-Type",
  "response-content-language": "Content-Language",
  "response-expires": "Expires",
  "response-cache-control": "Cache-Control",
  "response-content-disposition": "Content-Disposition",
  "response-content-encoding": "Content-Encoding",
};

interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  hostId: string;
  rawPath: string;
  query: Query;
  bucket?: string;
  key?: string;
  cors?: CorsRule;
  origin?: string;
  /** The access key that signed the request, once verified. */
  accessKeyId?: string;
}

export interface ServerDeps {
  store: ObjectStore;
  verifier: SigV4Verifier;
  multipart: MultipartUploads;
  region: string;
  deliver: (event: S3Notification) => Promise<void>;
  /** IAM: whether a caller may perform an action on a resource. Absent, every signer may. */
  authorize?: Authorizer;
}

function parseQuery(raw: string): Query {
  const query: Query = {};
  if (!raw) return query;
  for (const part of raw.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const name = safeDecode(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? "" : safeDecode(part.slice(eq + 1));
    const existing = query[name];
    if (existing === undefined) query[name] = value;
    else query[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalidArgument("Invalid URI encoding");
  }
}

const has = (query: Query, name: string) => Object.hasOwn(query, name);
const httpDate = (iso: string) => new Date(iso).toUTCString();

/** Encodes listing fields when the client asked for encoding-type=url. */
function listEncoder(query: Query): (value: string) => string {
  return queryValue(query, "encoding-type") === "url" ? encodeEventKey : (v) => v;
}

function parseMaxKeys(query: Query): number {
  const text = queryValue(query, "max-keys");
  if (text === undefined) return 1000;
  if (!/^\d+$/.test(text))
    throw invalidArgument(
      "Provided max-keys not an integer or within integer range",
      "max-keys",
      text,
    );
  return Math.min(Number(text), 1000);
}

/** The HTTP handler of the local S3: routing, authentication, and every supported operation. */
export class S3Handler {
  constructor(private readonly deps: ServerDeps) {}

  private get store() {
    return this.deps.store;
  }

  private get multipart() {
    return this.deps.multipart;
  }

  async handle(ctx: RequestContext): Promise<void> {
    const { req } = ctx;
    const method = req.method ?? "GET";
    if (ctx.bucket !== undefined && ctx.origin !== undefined && this.store.hasBucket(ctx.bucket)) {
      const rules = this.store.bucket(ctx.bucket).cors;
      ctx.cors = method === "OPTIONS" ? undefined : matchCors(rules, ctx.origin, method);
    }
    if (method === "OPTIONS") return this.preflight(ctx);
    if (
      method === "POST" &&
      ctx.bucket !== undefined &&
      ctx.key === undefined &&
      (headerValue(req.headers, "content-type") ?? "")
        .toLowerCase()
        .startsWith("multipart/form-data")
    ) {
      return this.postObject(ctx, ctx.bucket);
    }
    const auth = await this.deps.verifier.verifyRequest({
      method,
      rawPath: ctx.rawPath,
      query: ctx.query,
      headers: req.headers,
      region: this.regionOf(ctx.bucket),
    });
    ctx.accessKeyId = auth.accessKeyId;
    // As on AWS, authorisation comes before the operation: a caller that may not
    // PutBucketPolicy hears AccessDenied, whether or not the operation would work.
    const permission = requiredPermission(method, ctx.bucket, ctx.key, ctx.query, req.headers);
    if (permission) this.authorize(ctx, permission.action, permission.resource);
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
      if (method === "GET") return this.listBuckets(ctx);
      throw methodNotAllowed(method, "Service");
    }
    if (key === undefined) {
      switch (method) {
        case "PUT":
          if (has(ctx.query, "versioning")) return this.putVersioning(ctx, bucket, auth);
          if (has(ctx.query, "cors")) return this.putCors(ctx, bucket, auth);
          return this.createBucket(ctx, bucket, auth);
        case "GET":
          if (has(ctx.query, "versioning")) return this.getVersioning(ctx, bucket);
          if (has(ctx.query, "cors")) return this.getCors(ctx, bucket);
          if (has(ctx.query, "location")) return this.getLocation(ctx, bucket);
          if (has(ctx.query, "versions")) return this.listVersions(ctx, bucket);
          if (has(ctx.query, "uploads")) throw notImplemented("ListMultipartUploads");
          return this.listObjects(ctx, bucket);
        case "HEAD":
          this.store.bucket(bucket);
          return this.send(ctx, 200, { "x-amz-bucket-region": this.regionOf(bucket) });
        case "DELETE":
          if (has(ctx.query, "cors")) {
            await this.store.updateBucket(bucket, { cors: undefined });
            return this.send(ctx, 204);
          }
          await this.store.deleteBucket(bucket);
          return this.send(ctx, 204);
        case "POST":
          if (has(ctx.query, "delete")) return this.deleteObjects(ctx, bucket, auth);
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
    switch (method) {
      case "PUT":
        if (uploadId !== undefined) {
          if (req.headers["x-amz-copy-source"] !== undefined)
            throw notImplemented("UploadPartCopy");
          return this.uploadPart(ctx, bucket, key, uploadId, auth);
        }
        if (req.headers["x-amz-copy-source"] !== undefined)
          return this.copyObject(ctx, bucket, key);
        return this.putObject(ctx, bucket, key, auth);
      case "GET":
      case "HEAD":
        if (uploadId !== undefined) throw notImplemented("ListParts");
        if (has(ctx.query, "partNumber")) throw notImplemented("GetObject by part number");
        return this.getObject(ctx, bucket, key, method === "HEAD");
      case "DELETE":
        if (uploadId !== undefined) {
          this.store.bucket(bucket);
          await this.multipart.get(uploadId, bucket, key);
          await this.multipart.remove(uploadId);
          return this.send(ctx, 204);
        }
        return this.deleteObject(ctx, bucket, key);
      case "POST":
        if (has(ctx.query, "uploads")) return this.createMultipartUpload(ctx, bucket, key);
        if (uploadId !== undefined)
          return this.completeMultipartUpload(ctx, bucket, key, uploadId, auth);
        throw methodNotAllowed(method, "Object");
      default:
        throw methodNotAllowed(method, "Object");
    }
  }

  /** The region a bucket lives in: its own, else the server's (also for unknown buckets). */
  private regionOf(bucket: string | undefined): string {
    if (bucket === undefined || !this.store.hasBucket(bucket)) return this.deps.region;
    return this.store.bucket(bucket).region ?? this.deps.region;
  }

  // ---- IAM -------------------------------------------------------------------------------

  /** Throws AccessDenied unless the request's signer may perform `action` on `resource`. */
  private authorize(ctx: RequestContext, action: string, resource: string) {
    if (!this.allowed(ctx.accessKeyId, action, resource)) throw accessDenied();
  }

  private allowed(accessKeyId: string | undefined, action: string, resource: string): boolean {
    if (!this.deps.authorize || accessKeyId === undefined) return true;
    return this.deps.authorize(accessKeyId, action, resource).allowed;
  }

  // ---- responses ---------------------------------------------------------------------------

  private baseHeaders(ctx: RequestContext): Record<string, string> {
    const headers: Record<string, string> = {
      "x-amz-request-id": ctx.requestId,
      "x-amz-id-2": ctx.hostId,
    };
    if (ctx.cors && ctx.origin) Object.assign(headers, corsResponseHeaders(ctx.cors, ctx.origin));
    return headers;
  }

  private send(
    ctx: RequestContext,
    status: number,
    headers: Record<string, string> = {},
    body?: string,
  ) {
    const { res } = ctx;
    res.writeHead(status, {
      ...this.baseHeaders(ctx),
      ...(body === undefined
        ? { "Content-Length": "0" }
        : {
            "Content-Type": "application/xml",
            "Content-Length": String(Buffer.byteLength(body)),
          }),
      ...headers,
    });
    res.end(ctx.req.method === "HEAD" ? undefined : body);
  }

  private sendXml(
    ctx: RequestContext,
    root: string,
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
    status = 200,
  ) {
    this.send(ctx, status, headers, toXml(root, body));
  }

  /** Writes an S3 XML error (no body for HEAD, as S3 does). */
  sendError(ctx: RequestContext, error: unknown) {
    const { res } = ctx;
    if (res.headersSent || ctx.req.socket.destroyed) {
      // The client went away (an aborted upload) or the body already started: nothing to answer.
      res.destroy();
      return;
    }
    const s3 =
      error instanceof S3Error
        ? error
        : new S3Error("InternalError", "We encountered an internal error. Please try again.", 500);
    if (!(error instanceof S3Error)) console.error("[local-s3] internal error", error);
    const body = toXml(
      "Error",
      {
        Code: s3.code,
        Message: s3.message,
        ...s3.details,
        Resource: ctx.rawPath,
        RequestId: ctx.requestId,
        HostId: ctx.hostId,
      },
      false,
    );
    // A refusal that left part of the body unread ends the connection, as S3 does: the client must
    // not send its next request into a socket that still carries the rest of this body.
    const unread = !ctx.req.complete;
    res.writeHead(s3.status, {
      ...this.baseHeaders(ctx),
      ...s3.headers,
      "Content-Type": "application/xml",
      "Content-Length": String(ctx.req.method === "HEAD" ? 0 : Buffer.byteLength(body)),
      ...(unread ? { Connection: "close" } : {}),
    });
    if (!unread) {
      res.end(ctx.req.method === "HEAD" ? undefined : body);
      return;
    }
    // The whole answer goes out now; the socket closes once the client has stopped sending.
    if (ctx.req.method !== "HEAD") res.write(body);
    void drain(ctx.req).then(() => res.end());
  }

  private versionHeader(bucket: BucketConfig, version: ObjectVersion): Record<string, string> {
    return bucket.versioning !== undefined ? { "x-amz-version-id": version.versionId } : {};
  }

  // ---- CORS --------------------------------------------------------------------------------

  private preflight(ctx: RequestContext) {
    const origin = ctx.origin;
    const method = headerValue(ctx.req.headers, "access-control-request-method");
    if (!origin || !method) {
      throw new S3Error(
        "BadRequest",
        "Insufficient information. Origin request header needed.",
        400,
      );
    }
    if (ctx.bucket === undefined || !this.store.hasBucket(ctx.bucket)) {
      throw new S3Error("AccessForbidden", "CORSResponse: Bucket not found", 403);
    }
    const rules = this.store.bucket(ctx.bucket).cors;
    if (!rules || rules.length === 0) {
      throw new S3Error(
        "AccessForbidden",
        "CORSResponse: CORS is not enabled for this bucket.",
        403,
        {
          Method: method,
          ResourceType: "BUCKET",
        },
      );
    }
    const requested = parseRequestHeaders(
      headerValue(ctx.req.headers, "access-control-request-headers"),
    );
    const rule = matchCors(rules, origin, method, requested);
    if (!rule) {
      throw new S3Error(
        "AccessForbidden",
        "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
        403,
        { Method: method, ResourceType: ctx.key === undefined ? "BUCKET" : "OBJECT" },
      );
    }
    this.send(ctx, 200, preflightHeaders(rule, origin, requested));
  }

  // ---- buckets -----------------------------------------------------------------------------

  private listBuckets(ctx: RequestContext) {
    this.sendXml(ctx, "ListAllMyBucketsResult", {
      Owner: OWNER,
      Buckets: {
        Bucket: this.store.listBuckets().map((b) => ({
          Name: b.name,
          CreationDate: b.creationDate,
          BucketRegion: b.region ?? this.deps.region,
        })),
      },
    });
  }

  private async createBucket(ctx: RequestContext, bucket: string, auth: Authenticated) {
    const body = await readSmallBody(payloadOf(ctx.req, auth.payloadHash));
    if (body.length > 0) {
      const config = parseXml(body, "CreateBucketConfiguration");
      const constraint = text(config, "LocationConstraint");
      if (constraint && constraint !== this.deps.region) {
        throw new S3Error(
          "IllegalLocationConstraintException",
          `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
          400,
        );
      }
    }
    await this.store.createBucket(bucket);
    this.send(ctx, 200, { Location: `/${bucket}` });
  }

  private async putVersioning(ctx: RequestContext, bucket: string, auth: Authenticated) {
    this.store.bucket(bucket);
    const body = await readSmallBody(payloadOf(ctx.req, auth.payloadHash));
    const status = text(parseXml(body, "VersioningConfiguration"), "Status");
    if (status !== "Enabled" && status !== "Suspended") throw malformedXml();
    await this.store.updateBucket(bucket, { versioning: status });
    this.send(ctx, 200);
  }

  private getVersioning(ctx: RequestContext, bucket: string) {
    const status = this.store.bucket(bucket).versioning;
    this.sendXml(ctx, "VersioningConfiguration", status ? { Status: status } : {});
  }

  private getLocation(ctx: RequestContext, bucket: string) {
    this.store.bucket(bucket);
    const own = this.regionOf(bucket);
    const region = own === "us-east-1" ? "" : own;
    this.sendXml(ctx, "LocationConstraint", { "#text": region });
  }

  private async putCors(ctx: RequestContext, bucket: string, auth: Authenticated) {
    this.store.bucket(bucket);
    const body = await readSmallBody(payloadOf(ctx.req, auth.payloadHash));
    const config = parseXml(body, "CORSConfiguration");
    const rules = (config.CORSRule as Record<string, unknown>[] | undefined) ?? [];
    if (rules.length === 0) throw malformedXml();
    const list = (node: Record<string, unknown>, name: string) =>
      ((node[name] as unknown[] | undefined) ?? []).map((v) => String(v).trim());
    const cors: CorsRule[] = rules.map((rule) => {
      const maxAge = text(rule, "MaxAgeSeconds");
      const parsed: CorsRule = {
        allowedOrigins: list(rule, "AllowedOrigin"),
        allowedMethods: list(rule, "AllowedMethod"),
        allowedHeaders: list(rule, "AllowedHeader"),
        exposeHeaders: list(rule, "ExposeHeader"),
      };
      if (maxAge !== undefined) parsed.maxAgeSeconds = Number(maxAge);
      if (parsed.allowedOrigins.length === 0 || parsed.allowedMethods.length === 0)
        throw malformedXml();
      return parsed;
    });
    await this.store.updateBucket(bucket, { cors });
    this.send(ctx, 200);
  }

  private getCors(ctx: RequestContext, bucket: string) {
    const cors = this.store.bucket(bucket).cors;
    if (!cors || cors.length === 0) {
      throw new S3Error("NoSuchCORSConfiguration", "The CORS configuration does not exist", 404, {
        BucketName: bucket,
      });
    }
    this.sendXml(ctx, "CORSConfiguration", {
      CORSRule: cors.map((r) => ({
        AllowedHeader: r.allowedHeaders ?? [],
        AllowedMethod: r.allowedMethods,
        AllowedOrigin: r.allowedOrigins,
        ExposeHeader: r.exposeHeaders ?? [],
        ...(r.maxAgeSeconds !== undefined ? { MaxAgeSeconds: r.maxAgeSeconds } : {}),
      })),
    });
  }

  // ---- listing -----------------------------------------------------------------------------

  private listObjects(ctx: RequestContext, bucket: string) {
    const q = (name: string) => queryValue(ctx.query, name);
    const v2 = q("list-type") === "2";
    const prefix = q("prefix") ?? "";
    const delimiter = q("delimiter") || undefined;
    const maxKeys = parseMaxKeys(ctx.query);
    const enc = listEncoder(ctx.query);
    let marker: string | undefined;
    const token = q("continuation-token");
    if (v2) {
      if (token !== undefined) {
        marker = Buffer.from(token, "base64url").toString("utf8");
        if (!token || Buffer.from(marker, "utf8").toString("base64url") !== token) {
          throw invalidArgument(
            "The continuation token provided is incorrect",
            "continuation-token",
            token,
          );
        }
      } else {
        marker = q("start-after") || undefined;
      }
    } else {
      marker = q("marker") || undefined;
    }
    const live = this.store.sortedRecords(bucket).flatMap((r) => {
      const latest = r.versions[0];
      return latest && !latest.deleteMarker ? [{ key: r.key, version: latest }] : [];
    });
    const page = groupListing(live, (e) => e.key, {
      prefix,
      delimiter,
      maxKeys,
      marker,
      skip: (e) => marker !== undefined && compareUtf8(e.key, marker) <= 0,
    });
    const contents = page.entries.map((e) => ({
      Key: enc(e.key),
      LastModified: e.version.lastModified,
      ETag: e.version.etag,
      Size: e.version.size,
      StorageClass: "STANDARD",
      ...(v2 ? {} : { Owner: OWNER }),
    }));
    const common = page.commonPrefixes.map((p) => ({ Prefix: enc(p) }));
    const body: Record<string, unknown> = {
      Name: bucket,
      Prefix: enc(prefix),
      ...(v2 ? {} : { Marker: enc(q("marker") ?? "") }),
      MaxKeys: maxKeys,
      ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
      IsTruncated: page.truncated,
      ...(queryValue(ctx.query, "encoding-type") === "url" ? { EncodingType: "url" } : {}),
    };
    if (v2) {
      body.KeyCount = contents.length + common.length;
      if (token !== undefined) body.ContinuationToken = token;
      if (q("start-after")) body.StartAfter = enc(q("start-after") ?? "");
      if (page.truncated && page.next) {
        body.NextContinuationToken = Buffer.from(page.next.key, "utf8").toString("base64url");
      }
    } else if (page.truncated && page.next && delimiter) {
      body.NextMarker = enc(page.next.key);
    }
    body.Contents = contents;
    body.CommonPrefixes = common;
    this.sendXml(ctx, "ListBucketResult", body);
  }

  private listVersions(ctx: RequestContext, bucket: string) {
    const q = (name: string) => queryValue(ctx.query, name);
    const prefix = q("prefix") ?? "";
    const delimiter = q("delimiter") || undefined;
    const maxKeys = parseMaxKeys(ctx.query);
    const keyMarker = q("key-marker") || undefined;
    const versionIdMarker = q("version-id-marker") || undefined;
    const enc = listEncoder(ctx.query);
    const entries = this.store.sortedRecords(bucket).flatMap((r) =>
      r.versions.map((version, index) => ({
        key: r.key,
        version,
        index,
        isLatest: index === 0,
        all: r.versions,
      })),
    );
    const page = groupListing(entries, (e) => e.key, {
      prefix,
      delimiter,
      maxKeys,
      marker: keyMarker,
      skip: (e) => {
        if (keyMarker === undefined) return false;
        const order = compareUtf8(e.key, keyMarker);
        if (order !== 0) return order < 0;
        if (versionIdMarker === undefined) return true;
        const known = e.all.find((v) => v.versionId === versionIdMarker);
        const markerOrder = known ? BigInt(`0x${known.order}`) : versionOrder(versionIdMarker);
        if (markerOrder === undefined) return true;
        return BigInt(`0x${e.version.order}`) >= markerOrder;
      },
    });
    const versions: Record<string, unknown>[] = [];
    const markers: Record<string, unknown>[] = [];
    for (const e of page.entries) {
      const common = {
        Key: enc(e.key),
        VersionId: e.version.versionId,
        IsLatest: e.isLatest,
        LastModified: e.version.lastModified,
      };
      if (e.version.deleteMarker) markers.push({ ...common, Owner: OWNER });
      else
        versions.push({
          ...common,
          ETag: e.version.etag,
          Size: e.version.size,
          StorageClass: "STANDARD",
          Owner: OWNER,
        });
    }
    const body: Record<string, unknown> = {
      Name: bucket,
      Prefix: enc(prefix),
      KeyMarker: enc(keyMarker ?? ""),
      VersionIdMarker: versionIdMarker ?? "",
      MaxKeys: maxKeys,
      ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
      IsTruncated: page.truncated,
      ...(queryValue(ctx.query, "encoding-type") === "url" ? { EncodingType: "url" } : {}),
    };
    if (page.truncated && page.next) {
      body.NextKeyMarker = enc(page.next.key);
      if (page.next.entry) body.NextVersionIdMarker = page.next.entry.version.versionId;
    }
    body.Version = versions;
    body.DeleteMarker = markers;
    body.CommonPrefixes = page.commonPrefixes.map((p) => ({ Prefix: enc(p) }));
    this.sendXml(ctx, "ListVersionsResult", body);
  }

  // ---- objects -----------------------------------------------------------------------------

  private objectAttributes(headers: IncomingMessage["headers"]) {
    const stored: Record<string, string> = {};
    for (const name of STORED_HEADERS) {
      const value = headerValue(headers, name);
      if (value !== undefined) stored[name] = value;
    }
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (name.startsWith("x-amz-meta-") && value !== undefined) {
        metadata[name.slice("x-amz-meta-".length)] = Array.isArray(value) ? value.join(",") : value;
      }
    }
    return {
      contentType: headerValue(headers, "content-type") ?? DEFAULT_CONTENT_TYPE,
      headers: stored,
      metadata,
    };
  }

  private async putObject(ctx: RequestContext, bucket: string, key: string, auth: Authenticated) {
    const config = this.store.bucket(bucket);
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
    const received = await this.store.receive(payload.stream);
    let summary: ReturnType<typeof payload.finish>;
    try {
      summary = payload.finish();
    } catch (error) {
      await received.discard();
      throw error;
    }
    const attributes = this.objectAttributes(ctx.req.headers);
    const committed = await received.commit(bucket, key, {
      ...attributes,
      size: summary.size,
      etag: `"${summary.md5Hex}"`,
    });
    await this.notify(ctx, config, "ObjectCreated:Put", key, committed);
    this.send(ctx, 200, {
      ETag: committed.version.etag,
      ...this.versionHeader(config, committed.version),
    });
  }

  private async copyObject(ctx: RequestContext, bucket: string, key: string) {
    const config = this.store.bucket(bucket);
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
    this.authorize(
      ctx,
      sourceVersionId === undefined ? "s3:GetObject" : "s3:GetObjectVersion",
      objectArn(sourceBucket, sourceKey),
    );
    const sourceConfig = this.store.bucket(sourceBucket);
    const sourceVersion = this.store.getVersion(sourceBucket, sourceKey, sourceVersionId);
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
        ? this.objectAttributes(ctx.req.headers)
        : {
            contentType: sourceVersion.contentType,
            headers: sourceVersion.headers,
            metadata: sourceVersion.metadata,
          };
    const received = await this.store.copyToTemp(sourceBucket, sourceKey, sourceVersion);
    const committed = await received.commit(bucket, key, {
      ...attributes,
      size: sourceVersion.size,
      etag: sourceVersion.etag,
    });
    await this.notify(ctx, config, "ObjectCreated:Copy", key, committed);
    const headers: Record<string, string> = { ...this.versionHeader(config, committed.version) };
    if (sourceConfig.versioning !== undefined)
      headers["x-amz-copy-source-version-id"] = sourceVersion.versionId;
    this.sendXml(
      ctx,
      "CopyObjectResult",
      {
        ETag: committed.version.etag,
        LastModified: committed.version.lastModified,
      },
      headers,
    );
  }

  private async getObject(ctx: RequestContext, bucket: string, key: string, head: boolean) {
    const config = this.store.bucket(bucket);
    const versionId = queryValue(ctx.query, "versionId");
    let version: ObjectVersion;
    try {
      version = this.store.getVersion(bucket, key, versionId);
    } catch (error) {
      // Without s3:ListBucket a missing key is AccessDenied, not NoSuchKey, so a caller cannot
      // learn which keys exist: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
      if (
        error instanceof S3Error &&
        error.code === "NoSuchKey" &&
        !this.allowed(ctx.accessKeyId, "s3:ListBucket", bucketArn(bucket))
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
      ...this.versionHeader(config, version),
      ...(version.replicationStatus
        ? { "x-amz-replication-status": version.replicationStatus }
        : {}),
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
      this.send(ctx, 304, rest);
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
      res.writeHead(status, { ...this.baseHeaders(ctx), ...headers });
      res.end();
      return;
    }
    const stream = this.store.openBlob(bucket, key, version, range);
    res.writeHead(status, { ...this.baseHeaders(ctx), ...headers });
    await pipeline(stream, res).catch(() => res.destroy());
  }

  private async deleteObject(ctx: RequestContext, bucket: string, key: string) {
    this.store.bucket(bucket);
    const result = await this.store.deleteObject(bucket, key, queryValue(ctx.query, "versionId"));
    const headers: Record<string, string> = {};
    if (result.deleteMarker) headers["x-amz-delete-marker"] = "true";
    if (result.versionId !== undefined) headers["x-amz-version-id"] = result.versionId;
    this.send(ctx, 204, headers);
  }

  private async deleteObjects(ctx: RequestContext, bucket: string, auth: Authenticated) {
    this.store.bucket(bucket);
    const hasDigest =
      ctx.req.headers["content-md5"] !== undefined ||
      Object.keys(ctx.req.headers).some((h) => h.startsWith("x-amz-checksum-")) ||
      ctx.req.headers["x-amz-trailer"] !== undefined;
    if (!hasDigest) {
      throw invalidRequest("Missing required header for this request: Content-Md5");
    }
    const body = await readSmallBody(payloadOf(ctx.req, auth.payloadHash));
    const doc = parseXml(body, "Delete");
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
      if (!this.allowed(ctx.accessKeyId, action, objectArn(bucket, key))) {
        errors.push({
          Key: key,
          ...(versionId ? { VersionId: versionId } : {}),
          Code: "AccessDenied",
          Message: "Access Denied",
        });
        continue;
      }
      try {
        const result = await this.store.deleteObject(bucket, key, versionId);
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
    this.sendXml(ctx, "DeleteResult", { Deleted: deleted, Error: errors });
  }

  // ---- multipart uploads -------------------------------------------------------------------

  private async createMultipartUpload(ctx: RequestContext, bucket: string, key: string) {
    this.store.bucket(bucket);
    const uploadId = await this.multipart.create({
      bucket,
      key,
      ...this.objectAttributes(ctx.req.headers),
    });
    this.sendXml(ctx, "InitiateMultipartUploadResult", {
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
    });
  }

  private async uploadPart(
    ctx: RequestContext,
    bucket: string,
    key: string,
    uploadId: string,
    auth: Authenticated,
  ) {
    this.store.bucket(bucket);
    await this.multipart.get(uploadId, bucket, key);
    const partNumber = Number(queryValue(ctx.query, "partNumber"));
    const payload = payloadOf(ctx.req, auth.payloadHash);
    const received = await this.store.receive(payload.stream);
    let part: Awaited<ReturnType<MultipartUploads["addPart"]>>;
    try {
      const summary = payload.finish();
      part = await this.multipart.addPart(
        uploadId,
        partNumber,
        received.path,
        summary.size,
        summary.md5Hex,
      );
    } catch (error) {
      await received.discard();
      throw error;
    }
    this.send(ctx, 200, { ETag: part.etag });
  }

  private async completeMultipartUpload(
    ctx: RequestContext,
    bucket: string,
    key: string,
    uploadId: string,
    auth: Authenticated,
  ) {
    const config = this.store.bucket(bucket);
    const upload = await this.multipart.get(uploadId, bucket, key);
    const body = await readSmallBody(payloadOf(ctx.req, auth.payloadHash));
    const doc = parseXml(body, "CompleteMultipartUpload");
    const parts = ((doc.Part as Record<string, unknown>[] | undefined) ?? []).map((part) => {
      const partNumber = Number(text(part, "PartNumber"));
      const etag = text(part, "ETag");
      if (!Number.isInteger(partNumber) || etag === undefined) throw malformedXml();
      return { partNumber, etag };
    });
    const assembled = await this.multipart.assemble(uploadId, parts);
    const committed = await this.store.commitFile(bucket, key, assembled.path, {
      contentType: upload.contentType,
      headers: upload.headers,
      metadata: upload.metadata,
      size: assembled.size,
      etag: assembled.etag,
    });
    await this.multipart.remove(uploadId);
    await this.notify(ctx, config, "ObjectCreated:CompleteMultipartUpload", key, committed);
    const host = headerValue(ctx.req.headers, "host") ?? "localhost";
    this.sendXml(
      ctx,
      "CompleteMultipartUploadResult",
      {
        Location: `http://${host}/${bucket}/${key.split("/").map(strictEncode).join("/")}`,
        Bucket: bucket,
        Key: key,
        ETag: committed.version.etag,
      },
      this.versionHeader(config, committed.version),
    );
  }

  // ---- browser POST upload -----------------------------------------------------------------

  private async postObject(ctx: RequestContext, bucket: string) {
    const config = this.store.bucket(bucket);
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
        this.receivePostFile(bucket, fields, stream, info.filename ?? "").then(resolve, (error) => {
          stream.resume();
          reject(error);
        });
      });
      parser.on("close", () => {
        if (!sawFile) {
          reject(
            invalidArgument("POST requires exactly one file upload per request.", "file", "0"),
          );
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
    await this.notify(ctx, config, "ObjectCreated:Post", key, committed);

    const location = `http://${headerValue(req.headers, "host") ?? "localhost"}/${bucket}/${key.split("/").map(strictEncode).join("/")}`;
    const headers: Record<string, string> = {
      ETag: committed.version.etag,
      Location: location,
      ...this.versionHeader(config, committed.version),
    };
    const redirect = fields.get("success_action_redirect") ?? fields.get("redirect");
    if (redirect) {
      const target = new URL(redirect);
      target.searchParams.set("bucket", bucket);
      target.searchParams.set("key", key);
      target.searchParams.set("etag", committed.version.etag);
      this.send(ctx, 303, { ...headers, Location: target.toString() });
      return;
    }
    const status = fields.get("success_action_status");
    if (status === "201") {
      this.sendXml(
        ctx,
        "PostResponse",
        { Location: location, Bucket: bucket, Key: key, ETag: committed.version.etag },
        headers,
        201,
      );
    } else {
      this.send(ctx, status === "200" ? 200 : 204, headers);
    }
  }

  private async receivePostFile(
    bucket: string,
    fields: Map<string, string>,
    file: Readable,
    filename: string,
  ) {
    const policy = fields.get("policy");
    if (!policy)
      throw accessDenied("Anonymous POST uploads are not allowed; a signed policy is required.");
    const { accessKeyId } = await this.deps.verifier.verifyPolicySignature({
      policy,
      "x-amz-algorithm": fields.get("x-amz-algorithm"),
      "x-amz-credential": fields.get("x-amz-credential"),
      "x-amz-date": fields.get("x-amz-date"),
      "x-amz-signature": fields.get("x-amz-signature"),
      region: this.regionOf(bucket),
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
    if (!this.allowed(accessKeyId, "s3:PutObject", objectArn(bucket, key))) throw accessDenied();
    const range = checkPostPolicy(policy, fields, bucket, Date.now());
    const payload = measure(file, range?.max ?? MAX_PUT_BYTES);
    const received = await this.store.receive(payload.stream);
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

  // ---- notifications -----------------------------------------------------------------------

  private async notify(
    ctx: RequestContext,
    bucket: BucketConfig,
    eventName: ObjectCreatedEventName,
    key: string,
    committed: Committed,
  ) {
    const match = matchNotification(bucket.notifications, eventName, key);
    if (!match) return;
    const record: S3ObjectCreatedRecord = {
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: this.regionOf(bucket.name),
      eventTime: committed.version.lastModified,
      eventName,
      userIdentity: { principalId: `AWS:${LOCAL_PRINCIPAL}` },
      requestParameters: { sourceIPAddress: ctx.req.socket.remoteAddress ?? "127.0.0.1" },
      responseElements: { "x-amz-request-id": ctx.requestId, "x-amz-id-2": ctx.hostId },
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: match.configurationId,
        bucket: {
          name: bucket.name,
          ownerIdentity: { principalId: LOCAL_PRINCIPAL },
          arn: `arn:aws:s3:::${bucket.name}`,
        },
        object: {
          key: encodeEventKey(key),
          size: committed.version.size,
          eTag: committed.version.etag.replaceAll('"', ""),
          ...(bucket.versioning !== undefined ? { versionId: committed.version.versionId } : {}),
          sequencer: committed.sequencer,
        },
      },
    };
    await this.deps.deliver({ Records: [record] });
  }
}

export type { RequestContext };

const methodNotAllowed = (method: string, resource: string) =>
  new S3Error(
    "MethodNotAllowed",
    "The specified method is not allowed against this resource.",
    405,
    {
      Method: method,
      ResourceType: resource.toUpperCase(),
    },
  );

const notImplemented = (operation: string) =>
  new S3Error("NotImplemented", `The local S3 does not implement ${operation}.`, 501);

const malformedPost = (message: string) => new S3Error("MalformedPOSTRequest", message, 400);

export { parseQuery };

function compareUtf8(a: string, b: string) {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
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
