/**
 * SigV4 verification for the local JSON-protocol services (DynamoDB, SQS), with the AWS SDK's own
 * signer (@smithy/signature-v4), as the local S3 does (src/s3/signing.ts): the server re-signs the
 * request it received with the caller's secret and compares signatures. What it returns is the
 * caller's access key, which is what IAM decides on.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Credentials } from "./index.ts";

/** Why a request was not authenticated, in words each service turns into its own error shape. */
export class SignatureError extends Error {
  constructor(
    readonly reason: "missing" | "malformed" | "unknown-key" | "mismatch" | "expired",
    message: string,
  ) {
    super(message);
    this.name = "SignatureError";
  }
}

const MAX_SKEW_MS = 15 * 60 * 1000;

export interface SignedJsonRequest {
  method: string;
  /** The path as received, e.g. `/`. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class JsonSigV4Verifier {
  private readonly secrets = new Map<string, string>();

  constructor(
    credentials: Credentials[],
    private readonly service: string,
    private readonly now: () => number = Date.now,
  ) {
    for (const c of credentials) this.secrets.set(c.accessKeyId, c.secretAccessKey);
  }

  /** The access key that signed `req`, or a `SignatureError`. */
  async verify(req: SignedJsonRequest): Promise<string> {
    const authorization = header(req.headers, "authorization");
    if (!authorization)
      throw new SignatureError("missing", "Request is missing Authentication Token");
    const match =
      /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
        authorization.trim(),
      );
    if (!match) throw new SignatureError("malformed", "The Authorization header is malformed.");
    const [, credential = "", signedText = "", signature = ""] = match;
    const [accessKeyId = "", shortDate, region = "", service, terminator] = credential.split("/");
    if (service !== this.service || terminator !== "aws4_request" || !shortDate) {
      throw new SignatureError(
        "malformed",
        `Credential should be scoped to a valid ${this.service} service.`,
      );
    }
    const secretAccessKey = this.secrets.get(accessKeyId);
    if (secretAccessKey === undefined) {
      throw new SignatureError(
        "unknown-key",
        "The security token included in the request is invalid.",
      );
    }
    const longDate = header(req.headers, "x-amz-date") ?? "";
    const date = parseAmzDate(longDate);
    if (!date || longDate.slice(0, 8) !== shortDate) {
      throw new SignatureError(
        "malformed",
        "The x-amz-date header is missing or does not match the credential scope.",
      );
    }
    if (Math.abs(this.now() - date.getTime()) > MAX_SKEW_MS) {
      throw new SignatureError(
        "expired",
        "Signature expired: the request time is too far from the server's.",
      );
    }
    const signed = new Set(signedText.split(";").map((h) => h.trim().toLowerCase()));
    const headers: Record<string, string> = {};
    for (const name of signed) {
      const value = header(req.headers, name);
      if (value !== undefined) headers[name] = value;
    }
    const [path = "/", query = ""] = req.path.split("?", 2);
    const signer = new SignatureV4({
      credentials: { accessKeyId, secretAccessKey },
      region,
      service: this.service,
      sha256: Sha256,
      // Sign exactly the headers the client signed; add none (x-amz-content-sha256 included).
      applyChecksum: false,
    });
    const resigned = await signer.sign(
      new HttpRequest({
        method: req.method,
        path,
        query: Object.fromEntries(new URLSearchParams(query)),
        headers,
        body: req.body,
      }),
      { signingDate: date, signableHeaders: signed },
    );
    const expected =
      /Signature=([0-9a-f]{64})/.exec(String(resigned.headers.authorization))?.[1] ?? "";
    const a = Buffer.from(expected);
    const b = Buffer.from(signature);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new SignatureError(
        "mismatch",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
      );
    }
    return accessKeyId;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
