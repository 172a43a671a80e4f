/**
 * The keys the local S3 accepts, and the checks every signature mode shares: the credential
 * scope, the scope's date, and the signature recomputed with the key's own signer.
 */
import type { IncomingHttpHeaders } from "node:http";
import { Sha256 } from "@aws-crypto/sha256-js";
import { S3Error } from "./errors.ts";
import {
  type IncomingSignedRequest,
  parseAmzDate,
  SignatureRecomputer,
  sameSignature,
  signedHeaderSet,
  toHttpRequest,
} from "./signing.ts";

/** How far a header-signed request's x-amz-date may drift from the server clock, as on AWS. */
export const MAX_SKEW_MS = 15 * 60 * 1000;

export interface Credential {
  accessKeyId: string;
  shortDate: string;
  region: string;
  service: string;
  scope: string;
}

/** What a request signature covers, as its Authorization header or its query names it. */
export interface RequestSignature {
  credential: Credential;
  /** The signed header names as the request lists them, `;`-separated. */
  signedHeaders: string;
  signature: string;
  payloadHash: string;
  longDate: string;
  /** Refuses a request signed outside its time window; checked once the signature matched. */
  checkTime(now: number): void;
}

/** A fixed set of credentials, each with the SDK signer that holds its secret. */
export class Keyring {
  private readonly signers = new Map<string, SignatureRecomputer>();

  constructor(
    readonly region: string,
    credentials: { accessKeyId: string; secretAccessKey: string }[],
    readonly now: () => number = Date.now,
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

  /**
   * Parses a credential scope. Its region must be the bucket's: S3 refuses a request signed for
   * another region (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
   */
  credential(text: string, errorCode: string, expected = this.region): Credential {
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

  /**
   * Recomputes a header or presigned-query signature for the request as received, and refuses
   * the request unless it matches and covers every x-amz-* header.
   */
  async checkRequestSignature(
    req: IncomingSignedRequest,
    sig: RequestSignature,
    presigned: boolean,
  ): Promise<void> {
    const signedHeaders = signedHeaderSet(sig.signedHeaders);
    const expected = await this.signer(sig.credential).signatureOf(
      toHttpRequest(req, signedHeaders, presigned),
      signedHeaders,
      sig.payloadHash,
      sig.longDate,
      sig.credential.scope,
      sig.credential.region,
    );
    if (!sameSignature(expected, sig.signature))
      throw signatureMismatch(sig.credential, sig.signature);
    requireSignedAmzHeaders(req.headers, signedHeaders);
  }

  /** Checks a POST policy's signature: the HMAC of the base64 policy with the scope's key. */
  async checkPolicySignature(policy: string, credential: Credential, signature: string) {
    const expected = await this.signer(credential).sign(policy, {
      signingDate: parseAmzDate(`${credential.shortDate}T000000Z`) ?? new Date(0),
      signingRegion: credential.region,
      signingService: "s3",
    });
    if (!sameSignature(expected, signature)) throw signatureMismatch(credential, signature);
  }

  private signer(credential: Credential): SignatureRecomputer {
    const signer = this.signers.get(credential.accessKeyId);
    if (!signer) throw invalidAccessKey(credential.accessKeyId);
    return signer;
  }
}

export function checkScopeDate(credential: Credential, longDate: string, errorCode: string) {
  if (longDate.slice(0, 8) !== credential.shortDate) {
    throw new S3Error(
      errorCode,
      `Invalid credential date "${credential.shortDate}". This date is not the same as X-Amz-Date: "${longDate.slice(0, 8)}".`,
      400,
    );
  }
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
