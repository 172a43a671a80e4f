/** SigV4 in the Authorization header: its parts, x-amz-date and its skew, the payload hash. */
import { accessDenied, S3Error } from "./errors.ts";
import { checkScopeDate, type Keyring, MAX_SKEW_MS, type RequestSignature } from "./keyring.ts";
import {
  headerValue,
  type IncomingSignedRequest,
  parseAmzDate,
  STREAMING_UNSIGNED_TRAILER,
  UNSIGNED_PAYLOAD,
} from "./signing.ts";

/**
 * What an Authorization header says was signed, checked for form; the signature itself is
 * checked by the caller.
 */
export function readHeaderAuth(
  keys: Keyring,
  req: IncomingSignedRequest,
  authorization: string,
): RequestSignature {
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
  const signedHeaders = parts.get("SignedHeaders");
  const signature = parts.get("Signature");
  if (!credentialText || !signedHeaders || !signature) {
    throw new S3Error(
      "AuthorizationHeaderMalformed",
      "The authorization header is malformed; it must contain Credential, SignedHeaders and Signature.",
      400,
    );
  }
  const credential = keys.credential(credentialText, "AuthorizationHeaderMalformed", req.region);
  const longDate = headerValue(req.headers, "x-amz-date");
  const date = longDate === undefined ? undefined : parseAmzDate(longDate);
  if (longDate === undefined || date === undefined) {
    throw accessDenied("AWS authentication requires a valid Date or x-amz-date header");
  }
  checkScopeDate(credential, longDate, "AuthorizationHeaderMalformed");
  const payloadHash = headerValue(req.headers, "x-amz-content-sha256");
  if (payloadHash === undefined) {
    throw new S3Error(
      "InvalidRequest",
      "Missing required header for this request: x-amz-content-sha256",
      400,
    );
  }
  checkPayloadHash(payloadHash);
  const checkTime = (now: number) => {
    if (Math.abs(now - date.getTime()) > MAX_SKEW_MS) {
      throw new S3Error(
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
        403,
        { RequestTime: longDate, ServerTime: new Date(now).toISOString() },
      );
    }
  };
  return { credential, signedHeaders, signature, payloadHash, longDate, checkTime };
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

export const unsupportedAuth = () =>
  new S3Error(
    "InvalidRequest",
    "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.",
    400,
  );
