/** Bucket operations of the local S3 (create, head, delete, versioning, location, CORS) and CORS preflights. */
import type { Authenticated } from "./auth.ts";
import { payloadOf, readSmallBody } from "./body.ts";
import { matchCors, parseRequestHeaders, preflightHeaders } from "./cors.ts";
import { malformedXml, S3Error } from "./errors.ts";
import { has, OWNER, type RequestContext, readXmlBody, send, sendXml } from "./http.ts";
import type { S3Service } from "./service.ts";
import { headerValue, type Query } from "./signing.ts";
import type { BucketConfig, CorsRule } from "./store-types.ts";
import { parseXml, text } from "./xml.ts";

export function preflight(s: S3Service, ctx: RequestContext) {
  const origin = ctx.origin;
  const method = headerValue(ctx.req.headers, "access-control-request-method");
  if (!origin || !method) {
    throw new S3Error("BadRequest", "Insufficient information. Origin request header needed.", 400);
  }
  if (ctx.bucket === undefined || !s.store.hasBucket(ctx.bucket)) {
    throw new S3Error("AccessForbidden", "CORSResponse: Bucket not found", 403);
  }
  const rules = s.store.bucket(ctx.bucket).cors;
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
  send(ctx, 200, preflightHeaders(rule, origin, requested));
}

export function listBuckets(s: S3Service, ctx: RequestContext) {
  sendXml(ctx, "ListAllMyBucketsResult", {
    Owner: OWNER,
    Buckets: {
      Bucket: s.store.listBuckets().map((b) => ({
        Name: b.name,
        CreationDate: b.creationDate,
        BucketRegion: b.region ?? s.deps.region,
      })),
    },
  });
}

export async function createBucket(
  s: S3Service,
  ctx: RequestContext,
  bucket: string,
  auth: Authenticated,
) {
  const body = await readSmallBody(payloadOf(ctx.req, auth.payloadHash));
  if (body.length > 0) {
    const config = parseXml(body, "CreateBucketConfiguration");
    const constraint = text(config, "LocationConstraint");
    if (constraint && constraint !== s.deps.region) {
      throw new S3Error(
        "IllegalLocationConstraintException",
        `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
        400,
      );
    }
  }
  await s.store.createBucket(bucket);
  send(ctx, 200, { Location: `/${bucket}` });
}

/**
 * The bucket settings a PUT sets from an XML document (`?versioning`, `?cors`): the document's
 * root element and what it sets, each checked as S3 checks it (MalformedXML otherwise).
 */
const CONFIGURATIONS = {
  versioning: { root: "VersioningConfiguration", parse: versioningOf },
  cors: { root: "CORSConfiguration", parse: corsOf },
};

export type ConfigurationKind = keyof typeof CONFIGURATIONS;

/** The setting a bucket PUT's query names, if any. */
export function configurationNamed(query: Query): ConfigurationKind | undefined {
  return (Object.keys(CONFIGURATIONS) as ConfigurationKind[]).find((kind) => has(query, kind));
}

/** PutBucketVersioning and PutBucketCors: parse the document, then store the setting. */
export async function putConfiguration(
  s: S3Service,
  ctx: RequestContext,
  bucket: string,
  auth: Authenticated,
  kind: ConfigurationKind,
) {
  s.store.bucket(bucket);
  const { root, parse } = CONFIGURATIONS[kind];
  await s.store.updateBucket(bucket, parse(await readXmlBody(ctx, auth, root)));
  send(ctx, 200);
}

function versioningOf(doc: Record<string, unknown>): Partial<BucketConfig> {
  const status = text(doc, "Status");
  if (status !== "Enabled" && status !== "Suspended") throw malformedXml();
  return { versioning: status };
}

function corsOf(doc: Record<string, unknown>): Partial<BucketConfig> {
  const rules = (doc.CORSRule as Record<string, unknown>[] | undefined) ?? [];
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
  return { cors };
}

export function getVersioning(s: S3Service, ctx: RequestContext, bucket: string) {
  const status = s.store.bucket(bucket).versioning;
  sendXml(ctx, "VersioningConfiguration", status ? { Status: status } : {});
}

export function getLocation(s: S3Service, ctx: RequestContext, bucket: string) {
  s.store.bucket(bucket);
  const own = s.regionOf(bucket);
  const region = own === "us-east-1" ? "" : own;
  sendXml(ctx, "LocationConstraint", { "#text": region });
}

export function getCors(s: S3Service, ctx: RequestContext, bucket: string) {
  const cors = s.store.bucket(bucket).cors;
  if (!cors || cors.length === 0) {
    throw new S3Error("NoSuchCORSConfiguration", "The CORS configuration does not exist", 404, {
      BucketName: bucket,
    });
  }
  sendXml(ctx, "CORSConfiguration", {
    CORSRule: cors.map((r) => ({
      AllowedHeader: r.allowedHeaders ?? [],
      AllowedMethod: r.allowedMethods,
      AllowedOrigin: r.allowedOrigins,
      ExposeHeader: r.exposeHeaders ?? [],
      ...(r.maxAgeSeconds !== undefined ? { MaxAgeSeconds: r.maxAgeSeconds } : {}),
    })),
  });
}

export function headBucket(s: S3Service, ctx: RequestContext, bucket: string) {
  s.store.bucket(bucket);
  send(ctx, 200, { "x-amz-bucket-region": s.regionOf(bucket) });
}

export async function deleteBucket(s: S3Service, ctx: RequestContext, bucket: string) {
  await s.store.deleteBucket(bucket);
  send(ctx, 204);
}

export async function deleteCors(s: S3Service, ctx: RequestContext, bucket: string) {
  await s.store.updateBucket(bucket, { cors: undefined });
  send(ctx, 204);
}
