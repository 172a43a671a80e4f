/**
 * Issue 6, points 1–4 against the real local stack: bad requests get a clear 400, uploads the POST
 * policy forbids are refused by the object store itself, hostile files end as failed jobs without
 * reaching the model, and outputs carry no EXIF or GPS.
 */

import type { JobView } from "@artai/core/contract";
import { gpsTaggedJpeg, photo, pixelBomb } from "@artai/test-images";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, upload } from "../src/client.ts";
import type { Stack } from "../src/stack.ts";
import { NAMES } from "../src/stack.ts";
import { createPngJob, quietStack } from "./helpers.ts";
import {
  finished,
  jobOf,
  modelCalls,
  queueDrained,
  s3Client,
  submit,
  versions,
} from "./reliability-helpers.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await quietStack("reliability-input");
});
afterAll(async () => stack?.close());

const post = (client: Browser, body: string, contentType = "application/json") =>
  client.json<{ error: { code: string; message: string } }>("/api/jobs", {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });

describe("1. the API refuses bad requests with 400 {error:{code,message}}", () => {
  const cases: [string, string, string][] = [
    ["malformed JSON", '{"contentType":"image/png",', "InvalidRequest"],
    ["an unknown field", '{"contentType":"image/png","size":10,"admin":true}', "InvalidRequest"],
    ["a wrong type", '{"contentType":"image/png","size":"10"}', "InvalidRequest"],
    ["variations 0", '{"contentType":"image/png","size":10,"variations":0}', "InvalidRequest"],
    ["variations 5", '{"contentType":"image/png","size":10,"variations":5}', "InvalidRequest"],
    ["variations 2.5", '{"contentType":"image/png","size":10,"variations":2.5}', "InvalidRequest"],
    [
      "a declared size over 10 MiB",
      '{"contentType":"image/jpeg","size":10485761}',
      "ImageTooLarge",
    ],
    ["SVG", '{"contentType":"image/svg+xml","size":10}', "UnsupportedFormat"],
    ["GIF", '{"contentType":"image/gif","size":10}', "UnsupportedFormat"],
    ["TIFF", '{"contentType":"image/tiff","size":10}', "UnsupportedFormat"],
    ["PDF", '{"contentType":"application/pdf","size":10}', "UnsupportedFormat"],
    [
      "an oversized body",
      JSON.stringify({ contentType: "image/png", size: 10, pad: "x".repeat(64 * 1024) }),
      "PayloadTooLarge",
    ],
  ];
  for (const [name, body, code] of cases) {
    it(`refuses ${name} with ${code}`, async () => {
      const res = await post(new Browser(stack.url), body);
      expect(res.status).toBe(400);
      expect(res.res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message.length).toBeGreaterThan(10);
    });
  }

  it("creates no job for any of them and keeps serving", async () => {
    const client = new Browser(stack.url);
    for (const [, body] of cases) expect((await post(client, body)).status).toBe(400);
    // No owner cookie was ever handed out, so nothing was created for this client.
    expect(client.cookie).toBeUndefined();
    const health = await client.json<{ ok: boolean }>("/api/health");
    expect(health.status).toBe(200);
    const good = await client.createJob({ contentType: "image/png", size: 10, variations: 1 });
    expect(good.status).toBe(201);
  });
});

describe("2. the object store refuses uploads its POST policy forbids", () => {
  it("refuses too many bytes, zero bytes, the wrong type, a forged signature, an expired policy and another job's key; no job leaves queued and no event fires", async () => {
    const client = new Browser(stack.url);
    const png = await photo(32, 32, "png");
    const create = () => createPngJob(client, png);
    const a = await create();
    const b = await create();
    const callsBefore = modelCalls(stack);

    const refusals: { name: string; status: number; code?: string }[] = [];
    const attempt = async (
      name: string,
      target: { url: string; fields: Record<string, string> },
      bytes: Buffer,
      type = "image/png",
    ) => {
      const res = await upload(target, bytes, type);
      const text = await res.text();
      refusals.push({ name, status: res.status, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1] });
    };

    await attempt("too many bytes", a.target, Buffer.alloc(10 * 1024 * 1024 + 1, 1));
    await attempt("zero bytes", a.target, Buffer.alloc(0));
    await attempt(
      "wrong Content-Type",
      { ...a.target, fields: { ...a.target.fields, "Content-Type": "text/html" } },
      png,
      "text/html",
    );
    const signature = a.target.fields["X-Amz-Signature"] ?? "";
    const forged = `${signature.slice(0, -4)}${signature.endsWith("0000") ? "1111" : "0000"}`;
    await attempt(
      "forged signature",
      { ...a.target, fields: { ...a.target.fields, "X-Amz-Signature": forged } },
      png,
    );
    await attempt(
      "another job's key",
      { ...a.target, fields: { ...a.target.fields, key: b.target.fields.key ?? "" } },
      png,
    );
    // An expired policy must be signed by the server's own credentials, so this one is made with
    // the stack's credentials and the API's conditions, valid for one second, and used after two.
    const expiring = await createPresignedPost(s3Client(stack), {
      Bucket: NAMES.uploads,
      Key: a.target.fields.key ?? "",
      Conditions: [
        ["content-length-range", 1, 10 * 1024 * 1024],
        ["eq", "$Content-Type", "image/png"],
      ],
      Fields: { "Content-Type": "image/png" },
      Expires: 1,
    });
    await new Promise((r) => setTimeout(r, 2100));
    await attempt("expired policy", expiring, png);

    expect(refusals).toEqual([
      { name: "too many bytes", status: 400, code: "EntityTooLarge" },
      { name: "zero bytes", status: 400, code: "EntityTooSmall" },
      { name: "wrong Content-Type", status: 403, code: "AccessDenied" },
      { name: "forged signature", status: 403, code: "SignatureDoesNotMatch" },
      { name: "another job's key", status: 403, code: "AccessDenied" },
      { name: "expired policy", status: 403, code: "AccessDenied" },
    ]);

    // Nothing was stored, so nothing was announced: both jobs wait for a real upload.
    expect((await versions(stack, "uploads", `uploads/${a.id}/`)).versions).toEqual([]);
    expect((await versions(stack, "uploads", `uploads/${b.id}/`)).versions).toEqual([]);
    await queueDrained(stack);
    for (const id of [a.id, b.id]) {
      const job = await jobOf(client, id);
      expect(job?.status).toBe("queued");
      expect(job?.input).toBeNull();
    }
    expect(modelCalls(stack)).toBe(callsBefore);
    expect(stack.queues.dlq.stats().total).toBe(0);

    // The same link still works for the file it was made for.
    expect((await upload(a.target, png, "image/png")).status).toBe(204);
    expect((await finished(client, a.id)).status).toBe("succeeded");
  });
});

describe("3–4. the worker never trusts an upload", () => {
  it("fails each hostile file within 30 s with a reason, never calls the model for them, and then still serves a GPS-tagged photo with the metadata stripped", async () => {
    const client = new Browser(stack.url);
    const jpeg = await photo(64, 64, "jpeg");
    const png = await photo(32, 32, "png");
    const hostile: { name: string; bytes: Buffer; declared: string; code: string }[] = [
      {
        name: "text named .png",
        bytes: Buffer.from("just some text, named photo.png\n"),
        declared: "image/png",
        code: "UnsupportedFormat",
      },
      {
        name: "a truncated JPEG",
        bytes: jpeg.subarray(0, Math.floor(jpeg.length * 0.6)),
        declared: "image/jpeg",
        code: "CorruptImage",
      },
      {
        name: "a 20000×20000 pixel bomb",
        bytes: pixelBomb(20_000),
        declared: "image/png",
        code: "TooManyPixels",
      },
      {
        name: "a PNG/HTML polyglot",
        bytes: Buffer.concat([
          png,
          Buffer.from("<html><script>alert(document.cookie)</script></html>"),
        ]),
        declared: "image/png",
        code: "CorruptImage",
      },
      {
        name: "a PNG declared as JPEG",
        bytes: png,
        declared: "image/jpeg",
        code: "UnsupportedFormat",
      },
    ];
    const callsBefore = modelCalls(stack);
    const started = Date.now();
    // One after another: the first answer sets the owner cookie the others must carry.
    const ids: string[] = [];
    for (const h of hostile) ids.push(await submit(client, h.bytes, h.declared));
    const results = await Promise.all(ids.map((id) => finished(client, id, 30_000)));
    const elapsed = Date.now() - started;

    expect(
      results.map((job, i) => ({
        name: hostile[i]?.name,
        status: job.status,
        code: job.error?.code,
      })),
    ).toEqual(hostile.map((h) => ({ name: h.name, status: "failed", code: h.code })));
    for (const job of results) {
      expect(job.error?.message.length).toBeGreaterThan(15);
      expect(job.variations).toEqual([]);
    }
    expect(elapsed).toBeLessThan(30_000);
    expect(modelCalls(stack)).toBe(callsBefore);
    await queueDrained(stack);
    expect(stack.queues.dlq.stats().total).toBe(0);

    // The worker is still healthy: a GPS-tagged photo goes through, and its outputs are clean.
    const tagged = await gpsTaggedJpeg();
    const taggedMeta = await sharp(tagged).metadata();
    expect(taggedMeta.exif?.includes(Buffer.from("GPS"))).toBe(true);
    const id = await submit(client, tagged, "image/jpeg", { variations: 2 });
    const job: JobView = await finished(client, id);
    expect(job.status).toBe("succeeded");
    expect(job.variations).toHaveLength(2);
    expect(modelCalls(stack)).toBe(callsBefore + 1);
    for (const variation of job.variations) {
      const res = await fetch(variation.url);
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(bytes.includes(Buffer.from("Exif"))).toBe(false);
      expect(bytes.includes(Buffer.from("ArtAI Test Camera"))).toBe(false);
    }
  });
});
