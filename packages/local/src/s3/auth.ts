import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { ALGORITHM_IDENTIFIER, getCanonicalHeaders, SignatureV4 } from "@smithy/signature-v4";
import { accessDenied, invalidArgument, S3Error } from "./errors.ts";

/** How far a header-signed request's x-amz-date may drift from the server clock, as on AWS. */
const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

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

export interface Authenticated {
  accessKeyId: string;
  /** What the signature covers as payload: a hex sha256, UNSIGNED-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER. */
  payloadHash: string;
  presigned: boolean;
}

/** The POST-form fields that carry a policy signature (names lower-cased). */
export interface PolicyFields {
  policy: string;
  "x-amz-algorithm"?: string;
  "x-amz-credential"?: string;
  "x-amz-date"?: string;
  "x-amz-signature"?: string;
  /** The region of the bucket posted to. Default: the server's. */
  region?: string;
}

/**
 * Recomputes SigV4 signatures with the SDK's own signer. The signer's canonical-request and
 * string-to-sign steps are protected, so this subclass exposes exactly that: the signature
 * the holder of the secret would have produced for a request as the server received it.
 */
class SignatureRecomputer extends SignatureV4 {
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

interface Credential {
  accessKeyId: string;
  shortDate: string;
  region: string;
  service: string;
  scope: string;
}

/** Verifies header, presigned-query and POST-policy signatures for a fixed set of credentials. */
export class SigV4Verifier {
  private readonly signers = new Map<string, SignatureRecomputer>();

  constructor(
    private readonly region: string,
    credentials: { accessKeyId: string; secretAccessKey: string }[],
    private readonly now: () => number = Date.now,
  ) {
    for (const c of credentials) {
      this.signers.set(
        c.accessKeyId,
        new SignatureRecomputer({
          credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
          region,
          service: "s3",
          sha256: Sha256,
          // S3 signs the path as sent (single-encoded); canonicalPath() has normalised it.
          uriEscapePath: false,
          applyChecksum: false,
        }),
      );
    }
  }

  /** Authenticates a REST request (Authorization header or presigned query). */
  async verifyRequest(req: IncomingSignedRequest): Promise<Authenticated> {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) return this.verifyHeaderAuth(req, authorization);
    if (queryValue(req.query, "X-Amz-Signature") !== undefined) return this.verifyQueryAuth(req);
    if (queryValue(req.query, "Signature") !== undefined) throw unsupportedAuth();
    throw accessDenied();
  }

  private async verifyHeaderAuth(
    req: IncomingSignedRequest,
    authorization: string,
  ): Promise<Authenticated> {
    const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(authorization);
    if (!match?.[1]) {
      if (/^AWS4-/.test(authorization)) throw unsupportedAuth();
      if (/^AWS /.test(authorization)) throw unsupportedAuth();
      throw new S3Error(
        "AuthorizationHeaderMalformed",
        "The authorization header is malformed.",
        400,
      );
    }
    const parts = new Map<string, string>();
    for (const part of match[1].split(/,\s*/)) {
      const eq = part.indexOf("=");
      if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const credentialText = parts.get("Credential");
    const signedHeadersText = parts.get("SignedHeaders");
    const signature = parts.get("Signature");
    if (!credentialText || !signedHeadersText || !signature) {
      throw new S3Error(
        "AuthorizationHeaderMalformed",
        "The authorization header is malformed; it must contain Credential, SignedHeaders and Signature.",
        400,
      );
    }
    const credential = this.parseCredential(
      credentialText,
      "AuthorizationHeaderMalformed",
      req.region,
    );
    const longDate = headerValue(req.headers, "x-amz-date");
    const date = longDate === undefined ? undefined : parseAmzDate(longDate);
    if (longDate === undefined || date === undefined) {
      throw accessDenied("AWS authentication requires a valid Date or x-amz-date header");
    }
    this.checkScopeDate(credential, longDate, "AuthorizationHeaderMalformed");
    const payloadHash = headerValue(req.headers, "x-amz-content-sha256");
    if (payloadHash === undefined) {
      throw new S3Error(
        "InvalidRequest",
        "Missing required header for this request: x-amz-content-sha256",
        400,
      );
    }
    checkPayloadHash(payloadHash);
    const signedHeaders = signedHeaderSet(signedHeadersText);
    const expected = await this.signer(credential).signatureOf(
      toHttpRequest(req, signedHeaders, false),
      signedHeaders,
      payloadHash,
      longDate,
      credential.scope,
      credential.region,
    );
    if (!sameSignature(expected, signature)) throw signatureMismatch(credential, signature);
    requireSignedAmzHeaders(req.headers, signedHeaders);
    if (Math.abs(this.now() - date.getTime()) > MAX_SKEW_MS) {
      throw new S3Error(
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
        403,
        { RequestTime: longDate, ServerTime: new Date(this.now()).toISOString() },
      );
    }
    return { accessKeyId: credential.accessKeyId, payloadHash, presigned: false };
  }

  private async verifyQueryAuth(req: IncomingSignedRequest): Promise<Authenticated> {
    const q = (name: string) => queryValue(req.query, name);
    const algorithm = q("X-Amz-Algorithm");
    const credentialText = q("X-Amz-Credential");
    const longDate = q("X-Amz-Date");
    const expiresText = q("X-Amz-Expires");
    const signedHeadersText = q("X-Amz-SignedHeaders");
    const signature = q("X-Amz-Signature");
    if (
      !algorithm ||
      !credentialText ||
      !longDate ||
      !expiresText ||
      !signedHeadersText ||
      !signature
    ) {
      throw queryAuthError(
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
      );
    }
    if (algorithm !== ALGORITHM_IDENTIFIER) {
      throw queryAuthError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    }
    const date = parseAmzDate(longDate);
    if (date === undefined)
      throw queryAuthError(
        "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
      );
    if (!/^\d+$/.test(expiresText)) throw queryAuthError("X-Amz-Expires should be a number");
    const expires = Number(expiresText);
    if (expires < 1) throw queryAuthError("X-Amz-Expires must be non-negative");
    if (expires > MAX_PRESIGN_SECONDS) {
      throw queryAuthError("X-Amz-Expires must be less than a week (in seconds) that is 604800");
    }
    const credential = this.parseCredential(
      credentialText,
      "AuthorizationQueryParametersError",
      req.region,
    );
    this.checkScopeDate(credential, longDate, "AuthorizationQueryParametersError");
    const payloadHash = q("X-Amz-Content-Sha256") ?? UNSIGNED_PAYLOAD;
    const signedHeaders = signedHeaderSet(signedHeadersText);
    const expected = await this.signer(credential).signatureOf(
      toHttpRequest(req, signedHeaders, true),
      signedHeaders,
      payloadHash,
      longDate,
      credential.scope,
      credential.region,
    );
    if (!sameSignature(expected, signature)) throw signatureMismatch(credential, signature);
    requireSignedAmzHeaders(req.headers, signedHeaders);
    const now = this.now();
    if (now > date.getTime() + expires * 1000) {
      throw new S3Error("AccessDenied", "Request has expired", 403, {
        "X-Amz-Expires": expiresText,
        Expires: new Date(date.getTime() + expires * 1000).toISOString(),
        ServerTime: new Date(now).toISOString(),
      });
    }
    if (date.getTime() - now > MAX_SKEW_MS) throw accessDenied("Request is not valid yet");
    return { accessKeyId: credential.accessKeyId, payloadHash, presigned: true };
  }

  /**
   * Checks the signature of a browser POST upload: HMAC of the base64 policy with the
   * signing key of the credential scope. Conditions and expiry are checked by the caller.
   */
  async verifyPolicySignature(fields: PolicyFields): Promise<{ accessKeyId: string }> {
    const algorithm = fields["x-amz-algorithm"];
    const credentialText = fields["x-amz-credential"];
    const longDate = fields["x-amz-date"];
    const signature = fields["x-amz-signature"];
    if (!algorithm || !credentialText || !longDate || !signature) {
      throw invalidArgument(
        "Bucket POST must contain the fields x-amz-algorithm, x-amz-credential, x-amz-date and x-amz-signature with a policy",
      );
    }
    if (algorithm !== ALGORITHM_IDENTIFIER) {
      throw invalidArgument("Only AWS4-HMAC-SHA256 is supported", "x-amz-algorithm", algorithm);
    }
    if (parseAmzDate(longDate) === undefined) {
      throw invalidArgument(
        "X-Amz-Date must be in the ISO8601 Long Format",
        "x-amz-date",
        longDate,
      );
    }
    const credential = this.parseCredential(credentialText, "InvalidArgument", fields.region);
    const expected = await this.signer(credential).sign(fields.policy, {
      signingDate: parseAmzDate(`${credential.shortDate}T000000Z`) ?? new Date(0),
      signingRegion: credential.region,
      signingService: "s3",
    });
    if (!sameSignature(expected, signature)) throw signatureMismatch(credential, signature);
    return { accessKeyId: credential.accessKeyId };
  }

  private signer(credential: Credential): SignatureRecomputer {
    const signer = this.signers.get(credential.accessKeyId);
    if (!signer) throw invalidAccessKey(credential.accessKeyId);
    return signer;
  }

  /**
   * Parses a credential scope. Its region must be the bucket's: S3 refuses a request signed for
   * another region (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
   */
  private parseCredential(text: string, errorCode: string, expected = this.region): Credential {
    const parts = text.split("/");
    const [accessKeyId, shortDate, region, service, terminator] = parts;
    if (
      parts.length !== 5 ||
      !accessKeyId ||
      !shortDate ||
      !/^\d{8}$/.test(shortDate) ||
      !region ||
      !service ||
      terminator !== "aws4_request"
    ) {
      throw new S3Error(errorCode, `Error parsing the X-Amz-Credential parameter: '${text}'`, 400);
    }
    if (!this.signers.has(accessKeyId)) throw invalidAccessKey(accessKeyId);
    if (region !== expected) {
      throw new S3Error(
        errorCode,
        `The authorization header is malformed; the region '${region}' is wrong; expecting '${expected}'`,
        400,
        { Region: expected },
      );
    }
    if (service !== "s3") {
      throw new S3Error(errorCode, `The credential scope service '${service}' is not 's3'`, 400);
    }
    return { accessKeyId, shortDate, region, service, scope: parts.slice(1).join("/") };
  }

  private checkScopeDate(credential: Credential, longDate: string, errorCode: string) {
    if (longDate.slice(0, 8) !== credential.shortDate) {
      throw new S3Error(
        errorCode,
        `Invalid credential date "${credential.shortDate}". This date is not the same as X-Amz-Date: "${longDate.slice(0, 8)}".`,
        400,
      );
    }
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

function toHttpRequest(
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

/**
 * S3 refuses x-amz-* headers that the signature does not cover; otherwise anyone holding a
 * presigned PUT could add e.g. x-amz-copy-source and turn it into a copy of another object.
 */
function requireSignedAmzHeaders(headers: IncomingHttpHeaders, signed: Set<string>) {
  const unsigned = Object.keys(headers).filter(
    (name) => name.startsWith("x-amz-") && !signed.has(name),
  );
  if (unsigned.length > 0) {
    throw new S3Error(
      "AccessDenied",
      "There were headers present in the request which were not signed",
      403,
      {
        HeadersNotSigned: unsigned.join(", "),
      },
    );
  }
}

function signedHeaderSet(text: string): Set<string> {
  return new Set(
    text
      .split(";")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
}

function checkPayloadHash(value: string) {
  if (value === UNSIGNED_PAYLOAD || value === STREAMING_UNSIGNED_TRAILER) return;
  if (/^[0-9a-f]{64}$/.test(value)) return;
  if (value.startsWith("STREAMING-")) {
    throw new S3Error(
      "NotImplemented",
      `The local S3 does not implement the ${value} payload signing mode; use UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER or a sha256.`,
      501,
    );
  }
  throw new S3Error(
    "InvalidArgument",
    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, or a valid sha256 value.",
    400,
    { ArgumentName: "x-amz-content-sha256", ArgumentValue: value },
  );
}

function sameSignature(expected: string, provided: string): boolean {
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

const unsupportedAuth = () =>
  new S3Error(
    "InvalidRequest",
    "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.",
    400,
  );

const queryAuthError = (message: string) =>
  new S3Error("AuthorizationQueryParametersError", message, 400);

const invalidAccessKey = (accessKeyId: string) =>
  new S3Error(
    "InvalidAccessKeyId",
    "The AWS Access Key Id you provided does not exist in our records.",
    403,
    { AWSAccessKeyId: accessKeyId },
  );

const signatureMismatch = (credential: Credential, provided: string) =>
  new S3Error(
    "SignatureDoesNotMatch",
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    403,
    { AWSAccessKeyId: credential.accessKeyId, SignatureProvided: provided },
  );
