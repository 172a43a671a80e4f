/**
 * The local S3 keeps a client's keep-alive connection usable after it refuses a request without
 * reading its body, as S3 does: it answers such a refusal with `Connection: close`, so the client
 * opens a fresh connection for the next request instead of writing into a socket the server has
 * given up on. Every request here goes through one undici Agent limited to a single connection,
 * the way a browser or the SDK reuses one socket.
 */

import { connect } from "node:net";
import { MAX_UPLOAD_BYTES } from "@artai/core/contract";
import { ListObjectVersionsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { Agent, FormData as UndiciFormData, fetch as undiciFetch } from "undici";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CREDENTIALS, clientFor, errorOf, startTestS3, type TestS3 } from "./s3-helpers.ts";

const BUCKET = "uploads";
/** ArtAI's own limit, and 1 MiB over it: the case that used to end in ECONNRESET. */
const MAX_BYTES = MAX_UPLOAD_BYTES;
const OVERSIZED = MAX_UPLOAD_BYTES + 1024 * 1024;

describe("local S3: a refusal leaves the connection usable", () => {
  let s3: TestS3;
  let agent: Agent;
  beforeAll(async () => {
    s3 = await startTestS3([{ name: BUCKET, versioning: true }]);
  });
  afterAll(() => s3.destroy());
  beforeEach(() => {
    agent = new Agent({ connections: 1, pipelining: 1 });
  });
  afterEach(() => agent.close());

  const presign = (key: string) =>
    createPresignedPost(s3.client, {
      Bucket: BUCKET,
      Key: key,
      Conditions: [["content-length-range", 1, MAX_BYTES]],
      Expires: 300,
    });

  function post(target: { url: string; fields: Record<string, string> }, size: number) {
    const form = new UndiciFormData();
    for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
    form.append("file", new Blob([new Uint8Array(size).fill(7)]), "photo.png");
    return undiciFetch(target.url, { method: "POST", body: form, dispatcher: agent });
  }

  it("answers an oversized POST with EntityTooLarge, then a forged one with SignatureDoesNotMatch", async () => {
    const big = await post(await presign("uploads/too-big.png"), OVERSIZED);
    expect(big.status).toBe(400);
    expect(big.headers.get("connection")).toBe("close");
    const bigError = await errorOf(big as unknown as Response);
    expect(bigError.code).toBe("EntityTooLarge");

    const forged = await presign("uploads/forged.png");
    const response = await post(
      { ...forged, fields: { ...forged.fields, "X-Amz-Signature": "0".repeat(64) } },
      100,
    );
    expect((await errorOf(response as unknown as Response)).code).toBe("SignatureDoesNotMatch");
    expect(response.status).toBe(403);

    // And an honest upload still goes through on the same agent.
    const ok = await post(await presign("uploads/ok.png"), 100);
    expect(ok.status).toBe(204);
  });

  it("closes the connection after refusing a PUT whose body it never read", async () => {
    // Presigned PUTs carry no checksum of their own (see src/s3/README.md).
    const signer = clientFor(s3.url, CREDENTIALS, { requestChecksumCalculation: "WHEN_REQUIRED" });
    const url = await getSignedUrl(
      signer,
      new PutObjectCommand({ Bucket: "no-such-bucket", Key: "a.bin" }),
      { expiresIn: 300 },
    );
    const refused = await undiciFetch(url, {
      method: "PUT",
      body: new Uint8Array(OVERSIZED),
      dispatcher: agent,
    });
    expect(refused.status).toBe(404);
    expect(refused.headers.get("connection")).toBe("close");
    expect((await errorOf(refused as unknown as Response)).code).toBe("NoSuchBucket");

    const next = await undiciFetch(
      await getSignedUrl(signer, new PutObjectCommand({ Bucket: BUCKET, Key: "a.bin" }), {
        expiresIn: 300,
      }),
      { method: "PUT", body: "hello", dispatcher: agent },
    );
    expect(next.status).toBe(200);
  });

  it("stores nothing from an upload the client cut off half-way, and keeps serving", async () => {
    const signer = clientFor(s3.url, CREDENTIALS, { requestChecksumCalculation: "WHEN_REQUIRED" });
    const url = new URL(
      await getSignedUrl(signer, new PutObjectCommand({ Bucket: BUCKET, Key: "cut.bin" }), {
        expiresIn: 300,
      }),
    );
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((r) => socket.once("connect", r));
    socket.write(
      `PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: 1048576\r\n\r\n`,
    );
    socket.write(Buffer.alloc(100_000));
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const listed = await s3.client.send(
      new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: "cut.bin" }),
    );
    expect(listed.Versions ?? []).toEqual([]);
  });

  it("keeps the connection open after a refusal that read the whole body", async () => {
    const small = await post(await presign("uploads/empty.png"), 0);
    expect((await errorOf(small as unknown as Response)).code).toBe("EntityTooSmall");
    expect(small.headers.get("connection")).not.toBe("close");
  });
});
