/**
 * SigV4's building blocks as S3 applies them: the request as the signer sees it (canonical path,
 * signed headers, query), the SDK's own signer to recompute a signature, and the comparison.
 * The header, presigned-query and POST-policy checks (header-auth.ts, query-auth.ts,
 * post-policy.ts) are built from these.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { HttpRequest } from "@smithy/protocol-http";
import { ALGORITHM_IDENTIFIER, getCanonicalHeaders, SignatureV4 } from "@smithy/signature-v4";

export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
export const STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

export type Query = Record<string, string | string[]>;

export interface IncomingSignedRequest {
  method: string;
  /** The path exactly as received, still percent-encoded. */
  rawPath: string;
  /** Decoded query parameters. */
  query: Query;
  headers: IncomingHttpHeaders;
  /** The region of the bucket addressed; the signature's scope must name it. Default: the server's. */
  region?: string;
}

/**
 * Recomputes SigV4 signatures with the SDK's own signer. The signer's canonical-request and
 * string-to-sign steps are protected, so this subclass exposes exactly that: the signature
 * the holder of the secret would have produced for a request as the server received it.
 */
export class SignatureRecomputer extends SignatureV4 {
  async signatureOf(
    request: HttpRequest,
    signedHeaders: Set<string>,
    payloadHash: string,
    longDate: string,
    scope: string,
    region: string,
  ): Promise<string> {
    const canonicalHeaders = getCanonicalHeaders(request, undefined, signedHeaders);
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const stringToSign = await this.createStringToSign(
      longDate,
      scope,
      canonicalRequest,
      ALGORITHM_IDENTIFIER,
    );
    return this.sign(stringToSign, {
      signingDate: parseAmzDate(longDate) ?? new Date(0),
      signingRegion: region,
      signingService: "s3",
    });
  }
}

/** Parses SigV4's basic ISO 8601 timestamp (20260101T120000Z). */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** RFC 3986 encoding as S3's canonical URI uses it. */
export function strictEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The canonical URI of a path-style request: every segment decoded, then re-encoded the way
 * SigV4 prescribes, so clients that leave e.g. parentheses unescaped on the wire still match.
 */
export function canonicalPath(rawPath: string): string {
  return rawPath
    .split("/")
    .map((segment) => strictEncode(safeDecode(segment)))
    .join("/");
}

/** The request as the signer saw it: the signed headers only, and no signature in the query. */
export function toHttpRequest(
  req: IncomingSignedRequest,
  signedHeaders: Set<string>,
  presigned: boolean,
): HttpRequest {
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = headerValue(req.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.query)) {
    if (presigned && name.toLowerCase() === "x-amz-signature") continue;
    query[name] = value;
  }
  return new HttpRequest({ method: req.method, path: canonicalPath(req.rawPath), query, headers });
}

export function signedHeaderSet(text: string): Set<string> {
  return new Set(
    text
      .split(";")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
}

export function sameSignature(expected: string, provided: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(",") : value;
}

/** A query parameter by name, case-insensitively (SigV4 parameters are matched so by S3). */
export function queryValue(query: Query, name: string): string | undefined {
  const exact = query[name];
  const value =
    exact ?? Object.entries(query).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  return Array.isArray(value) ? value[0] : value;
}
