import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { payloadOf } from "../src/s3/body.ts";

const crc32Base64 = (data: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString("base64");
};

/** An aws-chunked body as the SDK frames it, delivered in pieces of `pieceSize` bytes. */
function chunkedRequest(data: Buffer, checksum: string, pieceSize: number) {
  const framed = Buffer.concat([
    Buffer.from(`${(data.length - 3).toString(16)}\r\n`),
    data.subarray(0, data.length - 3),
    Buffer.from("\r\n3\r\n"),
    data.subarray(data.length - 3),
    Buffer.from(`\r\n0\r\nx-amz-checksum-crc32:${checksum}\r\n\r\n`),
  ]);
  const pieces: Buffer[] = [];
  for (let i = 0; i < framed.length; i += pieceSize) pieces.push(framed.subarray(i, i + pieceSize));
  return Object.assign(Readable.from(pieces), {
    headers: {
      "content-encoding": "aws-chunked",
      "x-amz-decoded-content-length": String(data.length),
      "x-amz-trailer": "x-amz-checksum-crc32",
    },
  });
}

async function consume(data: Buffer, checksum: string, pieceSize: number) {
  const payload = payloadOf(
    chunkedRequest(data, checksum, pieceSize),
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
  );
  const chunks: Buffer[] = [];
  for await (const chunk of payload.stream) chunks.push(chunk as Buffer);
  return { body: Buffer.concat(chunks), summary: payload.finish() };
}

describe("aws-chunked bodies", () => {
  const data = Buffer.from("ArtAI uploads arrive in aws-chunked framing with a trailing CRC32");

  it("decodes however the bytes are split, verifying the trailing checksum", async () => {
    for (const pieceSize of [1, 2, 7, 1000]) {
      const { body, summary } = await consume(data, crc32Base64(data), pieceSize);
      expect(body.equals(data)).toBe(true);
      expect(summary.size).toBe(data.length);
    }
  });

  it("refuses a trailing checksum that does not match the bytes", async () => {
    await expect(consume(data, crc32Base64(Buffer.from("other")), 5)).rejects.toMatchObject({
      code: "BadDigest",
    });
  });
});
