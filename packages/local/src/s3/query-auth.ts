/** SigV4 in the query string (presigned URLs): the X-Amz-* parameters, expiry, start date. */
import { ALGORITHM_IDENTIFIER } from "@smithy/signature-v4";
import { accessDenied, S3Error } from "./errors.ts";
import { checkScopeDate, type Keyring, MAX_SKEW_MS, type RequestSignature } from "./keyring.ts";
import {
  type IncomingSignedRequest,
  parseAmzDate,
  queryValue,
  UNSIGNED_PAYLOAD,
} from "./signing.ts";

const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

/**
 * What a presigned URL's X-Amz-* parameters say was signed, checked for form; the signature
 * itself is checked by the caller.
 */
export function readQueryAuth(keys: Keyring, req: IncomingSignedRequest): RequestSignature {
  const q = (name: string) => queryValue(req.query, name);
  const algorithm = q("X-Amz-Algorithm");
  const credentialText = q("X-Amz-Credential");
  const longDate = q("X-Amz-Date");
  const expiresText = q("X-Amz-Expires");
  const signedHeaders = q("X-Amz-SignedHeaders");
  const signature = q("X-Amz-Signature");
  if (!algorithm || !credentialText || !longDate || !expiresText || !signedHeaders || !signature) {
    throw queryAuthError(
      "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
    );
  }
  if (algorithm !== ALGORITHM_IDENTIFIER) {
    throw queryAuthError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  const date = parseAmzDate(longDate);
  if (date === undefined)
    throw queryAuthError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  if (!/^\d+$/.test(expiresText)) throw queryAuthError("X-Amz-Expires should be a number");
  const expires = Number(expiresText);
  if (expires < 1) throw queryAuthError("X-Amz-Expires must be non-negative");
  if (expires > MAX_PRESIGN_SECONDS) {
    throw queryAuthError("X-Amz-Expires must be less than a week (in seconds) that is 604800");
  }
  const credential = keys.credential(
    credentialText,
    "AuthorizationQueryParametersError",
    req.region,
  );
  checkScopeDate(credential, longDate, "AuthorizationQueryParametersError");
  const payloadHash = q("X-Amz-Content-Sha256") ?? UNSIGNED_PAYLOAD;
  const checkTime = (now: number) => {
    if (now > date.getTime() + expires * 1000) {
      throw new S3Error("AccessDenied", "Request has expired", 403, {
        "X-Amz-Expires": expiresText,
        Expires: new Date(date.getTime() + expires * 1000).toISOString(),
        ServerTime: new Date(now).toISOString(),
      });
    }
    if (date.getTime() - now > MAX_SKEW_MS) throw accessDenied("Request is not valid yet");
  };
  return { credential, signedHeaders, signature, payloadHash, longDate, checkTime };
}

const queryAuthError = (message: string) =>
  new S3Error("AuthorizationQueryParametersError", message, 400);
