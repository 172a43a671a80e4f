/**
 * Authentication of the local S3: which of SigV4's three forms a request uses (the
 * Authorization header, a presigned query, a browser POST's policy), checked against a fixed
 * set of credentials. Each form has its own file; signing.ts and keyring.ts hold what they share.
 */
import { accessDenied } from "./errors.ts";
import { readHeaderAuth, unsupportedAuth } from "./header-auth.ts";
import { Keyring, type RequestSignature } from "./keyring.ts";
import { type PolicyFields, verifyPolicySignature } from "./post-policy.ts";
import { readQueryAuth } from "./query-auth.ts";
import { type IncomingSignedRequest, queryValue } from "./signing.ts";

export interface Authenticated {
  accessKeyId: string;
  /** What the signature covers as payload: a hex sha256, UNSIGNED-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER. */
  payloadHash: string;
  presigned: boolean;
}

/** Verifies header, presigned-query and POST-policy signatures for a fixed set of credentials. */
export class SigV4Verifier {
  private readonly keys: Keyring;

  constructor(
    region: string,
    credentials: { accessKeyId: string; secretAccessKey: string }[],
    now: () => number = Date.now,
  ) {
    this.keys = new Keyring(region, credentials, now);
  }

  /** Authenticates a REST request (Authorization header or presigned query). */
  async verifyRequest(req: IncomingSignedRequest): Promise<Authenticated> {
    const authorization = req.headers.authorization;
    const presigned = authorization === undefined;
    const signed = presigned
      ? this.readPresignedQuery(req)
      : readHeaderAuth(this.keys, req, authorization);
    await this.keys.checkRequestSignature(req, signed, presigned);
    signed.checkTime(this.keys.now());
    return {
      accessKeyId: signed.credential.accessKeyId,
      payloadHash: signed.payloadHash,
      presigned,
    };
  }

  private readPresignedQuery(req: IncomingSignedRequest): RequestSignature {
    if (queryValue(req.query, "X-Amz-Signature") !== undefined)
      return readQueryAuth(this.keys, req);
    if (queryValue(req.query, "Signature") !== undefined) throw unsupportedAuth();
    throw accessDenied();
  }

  /** The signature of a browser POST upload's policy (see post-policy.ts). */
  verifyPolicySignature(fields: PolicyFields): Promise<{ accessKeyId: string }> {
    return verifyPolicySignature(this.keys, fields);
  }
}
