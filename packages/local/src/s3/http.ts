/** The local S3's response helpers: request context, headers, XML answers and S3 errors. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Authenticated } from "./auth.ts";
import { drain, payloadOf, readSmallBody } from "./body.ts";
import { corsResponseHeaders } from "./cors.ts";
import { invalidArgument, S3Error } from "./errors.ts";
import { LOCAL_PRINCIPAL } from "./events.ts";
import { headerValue, type Query } from "./signing.ts";
import {
  type BucketConfig,
  type CorsRule,
  type ObjectAttributes,
  type ObjectVersion,
  STORED_HEADERS,
} from "./store-types.ts";
import { parseXml, toXml } from "./xml.ts";

export const OWNER = { ID: LOCAL_PRINCIPAL, DisplayName: "artai-local" };
export const DEFAULT_CONTENT_TYPE = "binary/octet-stream";
export const MAX_KEY_BYTES = 1024;

export interface RequestContext {
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

export function parseQuery(raw: string): Query {
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

export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalidArgument("Invalid URI encoding");
  }
}

export const has = (query: Query, name: string) => Object.hasOwn(query, name);
export const httpDate = (iso: string) => new Date(iso).toUTCString();

export const methodNotAllowed = (method: string, resource: string) =>
  new S3Error(
    "MethodNotAllowed",
    "The specified method is not allowed against this resource.",
    405,
    {
      Method: method,
      ResourceType: resource.toUpperCase(),
    },
  );

export const notImplemented = (operation: string) =>
  new S3Error("NotImplemented", `The local S3 does not implement ${operation}.`, 501);

export const malformedPost = (message: string) => new S3Error("MalformedPOSTRequest", message, 400);

export function baseHeaders(ctx: RequestContext): Record<string, string> {
  const headers: Record<string, string> = {
    "x-amz-request-id": ctx.requestId,
    "x-amz-id-2": ctx.hostId,
  };
  if (ctx.cors && ctx.origin) Object.assign(headers, corsResponseHeaders(ctx.cors, ctx.origin));
  return headers;
}

export function send(
  ctx: RequestContext,
  status: number,
  headers: Record<string, string> = {},
  body?: string,
) {
  const { res } = ctx;
  res.writeHead(status, {
    ...baseHeaders(ctx),
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

export function sendXml(
  ctx: RequestContext,
  root: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  status = 200,
) {
  send(ctx, status, headers, toXml(root, body));
}

/** Writes an S3 XML error (no body for HEAD, as S3 does). */
export function sendError(ctx: RequestContext, error: unknown) {
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
    ...baseHeaders(ctx),
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

export function versionHeader(
  bucket: BucketConfig,
  version: ObjectVersion,
): Record<string, string> {
  return bucket.versioning !== undefined ? { "x-amz-version-id": version.versionId } : {};
}

export function objectAttributes(headers: IncomingMessage["headers"]): ObjectAttributes {
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

/** A small XML request body (a configuration, a part list, a delete list), parsed to its root. */
export async function readXmlBody(ctx: RequestContext, auth: Authenticated, root: string) {
  return parseXml(await readSmallBody(payloadOf(ctx.req, auth.payloadHash)), root);
}
