import { createHash, type Hash } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { pipeline, type Readable, Transform, type TransformCallback } from "node:stream";
import { crc32 } from "node:zlib";
import { badDigest, S3Error } from "./errors.ts";
import { headerValue, STREAMING_UNSIGNED_TRAILER } from "./signing.ts";

/** The flexible-checksum algorithms the SDK may send; the first three are verified here. */
const CHECKSUM_ALGORITHMS = ["crc32", "sha1", "sha256", "crc32c", "crc64nvme"] as const;
type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** S3's limit for a single PUT. */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

export interface PayloadSummary {
  size: number;
  md5Hex: string;
}

export interface Payload {
  /** The decoded object bytes; read it to the end before calling finish(). */
  stream: Readable;
  /** Verifies length, sha256, Content-MD5 and x-amz-checksum-* against what was read. */
  finish(): PayloadSummary;
}

const incompleteBody = (
  message = "You did not provide the number of bytes specified by the Content-Length HTTP header.",
) => new S3Error("IncompleteBody", message, 400);

/**
 * Decodes the `aws-chunked` framing the SDK uses for STREAMING-UNSIGNED-PAYLOAD-TRAILER
 * bodies (`<hex size>\r\n<bytes>\r\n … 0\r\n<trailer headers>\r\n\r\n`) and keeps the trailers.
 */
export class AwsChunkedDecoder extends Transform {
  readonly trailers = new Map<string, string>();
  private state: "size" | "data" | "data-crlf" | "trailer" | "done" = "size";
  private line = "";
  private remaining = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback) {
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback) {
    callback(
      this.state === "done" ? undefined : incompleteBody("The aws-chunked body ended early."),
    );
  }

  private consume(chunk: Buffer) {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.state === "data") {
        const take = Math.min(this.remaining, chunk.length - offset);
        this.push(chunk.subarray(offset, offset + take));
        offset += take;
        this.remaining -= take;
        if (this.remaining === 0) this.state = "data-crlf";
        continue;
      }
      if (this.state === "done") return;
      // Line-oriented states: size line, the CRLF after data, trailer lines.
      const newline = chunk.indexOf(0x0a, offset);
      const end = newline === -1 ? chunk.length : newline + 1;
      this.line += chunk.toString("latin1", offset, end);
      offset = end;
      if (this.line.length > 8192) throw invalidChunk();
      if (newline === -1) continue;
      const line = this.line.replace(/\r?\n$/, "");
      this.line = "";
      this.onLine(line);
    }
  }

  private onLine(line: string) {
    if (this.state === "data-crlf") {
      if (line !== "") throw invalidChunk();
      this.state = "size";
    } else if (this.state === "size") {
      const sizeText = line.split(";")[0]?.trim() ?? "";
      if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw invalidChunk();
      this.remaining = Number.parseInt(sizeText, 16);
      this.state = this.remaining === 0 ? "trailer" : "data";
    } else if (this.state === "trailer") {
      if (line === "") {
        this.state = "done";
        return;
      }
      const colon = line.indexOf(":");
      if (colon <= 0) throw invalidChunk();
      this.trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
}

const invalidChunk = () =>
  new S3Error("InvalidChunkSizeError", "The aws-chunked body is not framed correctly.", 400);

class Inspector extends Transform {
  size = 0;
  readonly md5 = createHash("md5");
  readonly sha256: Hash | undefined;
  readonly checksum: Hash | undefined;
  crc = 0;

  constructor(
    wantSha256: boolean,
    readonly algorithm: ChecksumAlgorithm | undefined,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {
    super();
    this.sha256 = wantSha256 ? createHash("sha256") : undefined;
    this.checksum =
      algorithm === "sha1" || algorithm === "sha256" ? createHash(algorithm) : undefined;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback) {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(entityTooLarge(this.maxBytes));
      return;
    }
    this.md5.update(chunk);
    this.sha256?.update(chunk);
    this.checksum?.update(chunk);
    if (this.algorithm === "crc32") this.crc = crc32(chunk, this.crc);
    callback(null, chunk);
  }

  computedChecksum(): string | undefined {
    if (this.algorithm === "crc32") {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(this.crc >>> 0);
      return out.toString("base64");
    }
    return this.checksum?.digest("base64");
  }
}

export const entityTooLarge = (max: number) =>
  new S3Error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400, {
    MaxSizeAllowed: max,
  });

/** Counts and md5-hashes a stream (POST uploads), failing with EntityTooLarge past maxBytes. */
export function measure(source: Readable, maxBytes: number): Payload {
  const inspector = new Inspector(false, undefined, maxBytes);
  pipeline(source, inspector, () => {});
  return {
    stream: inspector,
    finish: () => ({ size: inspector.size, md5Hex: inspector.md5.digest("hex") }),
  };
}

/** Which x-amz-checksum-* the request announces, in a header or as a trailer. */
function announcedChecksum(headers: IncomingHttpHeaders): ChecksumAlgorithm | undefined {
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    if (headers[`x-amz-checksum-${algorithm}`] !== undefined) return algorithm;
  }
  const trailer = headerValue(headers, "x-amz-trailer")?.toLowerCase();
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    if (trailer === `x-amz-checksum-${algorithm}`) return algorithm;
  }
  return undefined;
}

/**
 * Wraps a request body: undoes aws-chunked framing and checks every integrity claim the
 * request makes (signed sha256, Content-MD5, x-amz-checksum-* header or trailer).
 * `extraChecksums` carries checksums hoisted into a presigned URL's query.
 */
export function payloadOf(
  req: Readable & { headers: IncomingHttpHeaders },
  payloadHash: string,
  extraChecksums: Record<string, string> = {},
): Payload {
  const headers: IncomingHttpHeaders = { ...extraChecksums, ...req.headers };
  const chunked =
    payloadHash === STREAMING_UNSIGNED_TRAILER ||
    (headerValue(headers, "content-encoding") ?? "")
      .split(",")
      .some((e) => e.trim() === "aws-chunked");
  const algorithm = announcedChecksum(headers);
  const inspector = new Inspector(/^[0-9a-f]{64}$/.test(payloadHash), algorithm, MAX_PUT_BYTES);
  const decoder = chunked ? new AwsChunkedDecoder() : undefined;
  // pipeline() forwards errors (bad framing, too many bytes) to the inspector the caller reads.
  // The request itself stays out of it: pipeline() would destroy it, and with it the socket, before
  // the refusal could be answered. It is piped instead, and an aborted upload is passed on.
  const first = decoder ?? inspector;
  if (decoder) pipeline(decoder, inspector, () => {});
  const closedEarly = () => incompleteBody("The client closed the connection.");
  req.once("error", (error) => first.destroy(error));
  req.once("aborted", () => first.destroy(closedEarly()));
  req.once("close", () => {
    if (!req.readableEnded) first.destroy(closedEarly());
  });
  req.pipe(first);

  return {
    stream: inspector,
    finish(): PayloadSummary {
      const md5 = inspector.md5.digest();
      const decodedLength = headerValue(headers, "x-amz-decoded-content-length");
      if (chunked && decodedLength !== undefined && Number(decodedLength) !== inspector.size) {
        throw incompleteBody();
      }
      if (inspector.sha256 && inspector.sha256.digest("hex") !== payloadHash) {
        throw new S3Error(
          "XAmzContentSHA256Mismatch",
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
          400,
          { ClientComputedContentSHA256: payloadHash },
        );
      }
      const contentMd5 = headerValue(headers, "content-md5");
      if (contentMd5 !== undefined && contentMd5 !== md5.toString("base64")) {
        throw new S3Error(
          "BadDigest",
          "The Content-MD5 you specified did not match what we received.",
          400,
        );
      }
      if (algorithm) {
        const name = `x-amz-checksum-${algorithm}`;
        const expected = headerValue(headers, name) ?? decoder?.trailers.get(name);
        const computed = inspector.computedChecksum();
        if (expected === undefined && chunked) {
          throw new S3Error(
            "InvalidRequest",
            `The trailer ${name} was announced but not sent.`,
            400,
          );
        }
        if (expected !== undefined && computed !== undefined && expected !== computed) {
          throw badDigest(algorithm.toUpperCase());
        }
      }
      return { size: inspector.size, md5Hex: md5.toString("hex") };
    },
  };
}

/** How much of an unread body a refusal still reads, and for how long, before closing. */
export const DRAIN = { maxBytes: 64 * 1024 * 1024, maxMs: 10_000 } as const;

/**
 * Reads and discards the rest of a request body the server refused, up to `DRAIN`. The refusal
 * is answered with `Connection: close` (as S3 does), but the socket is closed only after this
 * resolves: a client still writing its body into a closed socket would get a reset instead of
 * the answer.
 */
export function drain(req: IncomingMessage): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      req.off("data", count);
      req.off("end", done);
      req.off("close", done);
      req.off("error", done);
      resolve();
    };
    const count = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN.maxBytes) done();
    };
    const timer = setTimeout(done, DRAIN.maxMs);
    req.unpipe();
    req.on("data", count);
    req.once("end", done);
    req.once("close", done);
    req.once("error", done);
    req.resume();
  });
}

/** Reads a small request body (XML configuration documents) fully, then verifies it. */
export async function readSmallBody(payload: Payload, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of payload.stream) {
    total += (chunk as Buffer).length;
    if (total > limit) {
      payload.stream.destroy();
      throw new S3Error("MaxMessageLengthExceeded", "Your request was too big.", 400);
    }
    chunks.push(chunk as Buffer);
  }
  payload.finish();
  return Buffer.concat(chunks);
}
