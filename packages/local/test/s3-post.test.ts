import { createHash } from "node:crypto";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { S3ObjectCreatedRecord, TestEvent } from "../src/s3/index.ts";
import { CREDENTIALS, clientFor, errorOf, startTestS3, type TestS3 } from "./s3-helpers.ts";

const APP_ORIGIN = "http://app.artai.test";
const BUCKET = "uploads";
const MAX_BYTES = 1024;

const BUCKETS = [
  {
    name: BUCKET,
    versioning: true,
    cors: [
      {
        allowedOrigins: [APP_ORIGIN],
        allowedMethods: ["POST", "GET"],
        allowedHeaders: ["*"],
        exposeHeaders: ["ETag", "x-amz-version-id"],
        maxAgeSeconds: 600,
      },
    ],
    notifications: [{ prefix: "uploads/", events: ["s3:ObjectCreated:*"] }],
  },
];

const records = (s3: TestS3): S3ObjectCreatedRecord[] =>
  s3.events.flatMap((e) => ("Records" in e ? e.Records : []));

/** Presigns the way ArtAI's upload module does: fixed key, size range, exact Content-Type. */
async function presign(
  s3: TestS3,
  key: string,
  options: { clockOffsetMs?: number; expires?: number } = {},
) {
  const client = clientFor(s3.url, CREDENTIALS, { systemClockOffset: options.clockOffsetMs ?? 0 });
  return createPresignedPost(client, {
    Bucket: BUCKET,
    Key: key,
    Conditions: [
      ["content-length-range", 1, MAX_BYTES],
      ["starts-with", "$Content-Type", "image/"],
    ],
    Fields: { "Content-Type": "image/png" },
    Expires: options.expires ?? 300,
  });
}

/** A browser-style multipart POST: every field in order, the file last. */
function postForm(
  url: string,
  fields: Record<string, string>,
  file: Uint8Array | string,
  origin = APP_ORIGIN,
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", new Blob([file]), "photo.png");
  return fetch(url, { method: "POST", body: form, headers: { origin } });
}

describe("local S3: uploads, CORS and notifications", () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3(BUCKETS);
  });
  afterAll(() => s3.destroy());

  async function versionsOf(key: string) {
    const listed = await s3.client.send(
      new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: key }),
    );
    return [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])];
  }

  it("sends one s3:TestEvent when the notification configuration is new", () => {
    const tests = s3.events.filter((e): e is TestEvent => "Event" in e);
    expect(tests).toHaveLength(1);
    expect(tests[0]).toMatchObject({ Service: "Amazon S3", Event: "s3:TestEvent", Bucket: BUCKET });
  });

  it("accepts a signed POST within policy and emits ObjectCreated:Post", async () => {
    const before = records(s3).length;
    const { url, fields } = await presign(s3, "uploads/ok.png");
    const body = new Uint8Array(600).fill(42);
    const response = await postForm(url, fields, body);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(response.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);

    const stored = await s3.client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: "uploads/ok.png" }),
    );
    expect(stored.ContentType).toBe("image/png");
    expect(stored.ContentLength).toBe(600);

    const created = records(s3).slice(before);
    expect(created).toHaveLength(1);
    const [record] = created;
    expect(record).toMatchObject({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: "us-east-1",
      eventName: "ObjectCreated:Post",
      s3: {
        s3SchemaVersion: "1.0",
        bucket: { name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` },
        object: {
          key: "uploads/ok.png",
          size: 600,
          eTag: response.headers.get("etag")?.replaceAll('"', ""),
          versionId: stored.VersionId,
        },
      },
    });
    expect(record?.s3.object.sequencer).toMatch(/^[0-9A-F]+$/);
  });

  it("answers 201 with an XML PostResponse when success_action_status asks for it", async () => {
    const client = clientFor(s3.url);
    const { url, fields } = await createPresignedPost(client, {
      Bucket: BUCKET,
      Key: "uploads/status.png",
      Conditions: [["content-length-range", 1, MAX_BYTES]],
      Fields: { success_action_status: "201" },
    });
    const response = await postForm(url, fields, "x");
    expect(response.status).toBe(201);
    expect(await response.text()).toContain("<Key>uploads/status.png</Key>");
  });

  const refusals: {
    name: string;
    key: string;
    tamper: (fields: Record<string, string>) => Record<string, string>;
    body?: string | Uint8Array;
    options?: { clockOffsetMs?: number; expires?: number };
    expected: { status: number; code: string; message?: RegExp };
  }[] = [
    {
      name: "more bytes than the policy allows",
      key: "uploads/too-big.png",
      tamper: (f) => f,
      body: new Uint8Array(MAX_BYTES + 1),
      expected: { status: 400, code: "EntityTooLarge" },
    },
    {
      name: "zero bytes",
      key: "uploads/empty.png",
      tamper: (f) => f,
      body: "",
      expected: { status: 400, code: "EntityTooSmall" },
    },
    {
      name: "a Content-Type outside the policy",
      key: "uploads/type.png",
      tamper: (f) => ({ ...f, "Content-Type": "text/html" }),
      expected: { status: 403, code: "AccessDenied", message: /Content-Type/ },
    },
    {
      name: "a forged signature",
      key: "uploads/forged.png",
      tamper: (f) => ({ ...f, "X-Amz-Signature": "0".repeat(64) }),
      expected: { status: 403, code: "SignatureDoesNotMatch" },
    },
    {
      name: "a policy rewritten to allow more",
      key: "uploads/rewritten.png",
      tamper: (f) => {
        const policy = JSON.parse(Buffer.from(f.Policy ?? "", "base64").toString());
        policy.conditions[0] = ["content-length-range", 1, 10 * MAX_BYTES];
        return { ...f, Policy: Buffer.from(JSON.stringify(policy)).toString("base64") };
      },
      body: new Uint8Array(2 * MAX_BYTES),
      expected: { status: 403, code: "SignatureDoesNotMatch" },
    },
    {
      name: "an expired policy",
      key: "uploads/expired.png",
      tamper: (f) => f,
      options: { clockOffsetMs: -3_600_000, expires: 60 },
      expected: { status: 403, code: "AccessDenied", message: /Policy expired/ },
    },
    {
      name: "another job's key",
      key: "uploads/mine.png",
      tamper: (f) => ({ ...f, key: "uploads/someone-else.png" }),
      expected: { status: 403, code: "AccessDenied", message: /\$key/ },
    },
    {
      name: "a form field the policy does not cover",
      key: "uploads/extra.png",
      tamper: (f) => ({ ...f, "x-amz-meta-owner": "mallory" }),
      expected: {
        status: 403,
        code: "AccessDenied",
        message: /Extra input fields: x-amz-meta-owner/,
      },
    },
  ];

  for (const refusal of refusals) {
    it(`refuses ${refusal.name}, storing nothing and sending no event`, async () => {
      const before = records(s3).length;
      const { url, fields } = await presign(s3, refusal.key, refusal.options);
      const tampered = refusal.tamper(fields);
      const response = await postForm(url, tampered, refusal.body ?? "png!");
      const error = await errorOf(response);
      expect(error).toMatchObject({ status: refusal.expected.status, code: refusal.expected.code });
      if (refusal.expected.message) expect(error.message).toMatch(refusal.expected.message);
      expect(response.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
      expect(await versionsOf(refusal.key)).toEqual([]);
      expect(await versionsOf(tampered.key ?? refusal.key)).toEqual([]);
      expect(records(s3).length).toBe(before);
    });
  }

  it("URL-encodes keys in events the way S3 does, with increasing sequencers per key", async () => {
    const key = "uploads/my photo+1 é.png";
    const before = records(s3).length;
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: "a" }));
    await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: "bb" }));
    await s3.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: "elsewhere/not-notified.png", Body: "c" }),
    );
    const created = records(s3).slice(before);
    expect(created.map((r) => [r.eventName, r.s3.object.key, r.s3.object.size])).toEqual([
      ["ObjectCreated:Put", "uploads/my+photo%2B1+%C3%A9.png", 1],
      ["ObjectCreated:Put", "uploads/my+photo%2B1+%C3%A9.png", 2],
    ]);
    await s3.client.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: "uploads/copy (2).png",
        CopySource: `${BUCKET}/${encodeURIComponent(key)}`,
      }),
    );
    expect(
      records(s3)
        .slice(before + 2)
        .map((r) => [r.eventName, r.s3.object.key, r.s3.object.size]),
    ).toEqual([["ObjectCreated:Copy", "uploads/copy+%282%29.png", 2]]);
    const encoded = created[0]?.s3.object.key ?? "";
    expect(decodeURIComponent(encoded.replaceAll("+", " "))).toBe(key);
    const [first, second] = created.map((r) => BigInt(`0x${r.s3.object.sequencer}`));
    expect(second).toBeGreaterThan(first ?? 0n);
  });

  it("assembles multipart uploads and emits ObjectCreated:CompleteMultipartUpload", async () => {
    const key = "uploads/multi part.bin";
    const before = records(s3).length;
    const { client } = s3;
    const { UploadId } = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        ContentType: "application/x-artai",
      }),
    );
    const first = Buffer.alloc(5 * 1024 * 1024, 1);
    const last = Buffer.from("tail");
    const p1 = await client.send(
      new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: first }),
    );
    const p2 = await client.send(
      new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 2, Body: last }),
    );
    await client.send(
      new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 3, Body: "x" }),
    );
    const complete = (Parts: { PartNumber: number; ETag?: string }[]) =>
      client
        .send(
          new CompleteMultipartUploadCommand({
            Bucket: BUCKET,
            Key: key,
            UploadId,
            MultipartUpload: { Parts },
          }),
        )
        .catch((error: Error) => error.name);
    // A small part anywhere but last, or a part with the wrong ETag, is refused as on S3.
    expect(
      await complete([
        { PartNumber: 2, ETag: p2.ETag },
        { PartNumber: 3, ETag: p2.ETag },
      ]),
    ).toBe("InvalidPart");
    expect(
      await complete([
        { PartNumber: 1, ETag: p2.ETag },
        { PartNumber: 2, ETag: p2.ETag },
      ]),
    ).toBe("InvalidPart");
    expect(
      await complete([
        { PartNumber: 2, ETag: p2.ETag },
        { PartNumber: 1, ETag: p1.ETag },
      ]),
    ).toBe("InvalidPartOrder");
    const p3 = await client.send(
      new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 3, Body: "y" }),
    );
    expect(
      await complete([
        { PartNumber: 2, ETag: p2.ETag },
        { PartNumber: 3, ETag: p3.ETag },
      ]),
    ).toBe("EntityTooSmall");
    expect(await versionsOf(key)).toEqual([]);

    const done = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag },
            { PartNumber: 2, ETag: p2.ETag },
          ],
        },
      }),
    );
    const partMd5s = Buffer.concat(
      [first, last].map((part) => createHash("md5").update(part).digest()),
    );
    expect(done.ETag).toBe(`"${createHash("md5").update(partMd5s).digest("hex")}-2"`);

    const stored = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(stored.ContentType).toBe("application/x-artai");
    const bytes = Buffer.from((await stored.Body?.transformToByteArray()) ?? []);
    expect(bytes.equals(Buffer.concat([first, last]))).toBe(true);

    expect(
      records(s3)
        .slice(before)
        .map((r) => [r.eventName, r.s3.object.key, r.s3.object.size]),
    ).toEqual([
      [
        "ObjectCreated:CompleteMultipartUpload",
        "uploads/multi+part.bin",
        first.length + last.length,
      ],
    ]);
    const again = await client
      .send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 3, Body: "x" }))
      .catch((error: Error) => error);
    expect((again as Error).name).toBe("NoSuchUpload");
  });

  it("orders concurrent writes to one key: one version and one increasing sequencer each", async () => {
    const key = "uploads/concurrent.png";
    const before = records(s3).length;
    const puts = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `body ${i}` })),
      ),
    );
    const created = records(s3).slice(before);
    expect(created).toHaveLength(12);
    const listed = await s3.client.send(
      new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: key }),
    );
    const newestFirst = (listed.Versions ?? []).map((v) => v.VersionId);
    expect(new Set(newestFirst)).toEqual(new Set(puts.map((p) => p.VersionId)));
    // Sequencers follow the order in which versions were committed.
    const byVersion = new Map(
      created.map((r) => [r.s3.object.versionId, BigInt(`0x${r.s3.object.sequencer}`)]),
    );
    const sequencers = newestFirst.reverse().map((id) => byVersion.get(id) ?? -1n);
    expect(sequencers).toEqual([...sequencers].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(sequencers).size).toBe(12);
  });

  it("answers CORS preflights by the bucket's rules", async () => {
    const preflight = (origin: string, method: string, headers?: string) =>
      fetch(`${s3.url}/${BUCKET}`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": method,
          ...(headers ? { "access-control-request-headers": headers } : {}),
        },
      });
    const allowed = await preflight(APP_ORIGIN, "POST", "content-type");
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(allowed.headers.get("access-control-allow-methods")).toContain("POST");
    expect(allowed.headers.get("access-control-allow-headers")).toBe("content-type");
    expect(allowed.headers.get("access-control-max-age")).toBe("600");

    const otherOrigin = await preflight("http://evil.test", "POST");
    expect(await errorOf(otherOrigin)).toMatchObject({ status: 403, code: "AccessForbidden" });
    expect(otherOrigin.headers.get("access-control-allow-origin")).toBeNull();
    const otherMethod = await preflight(APP_ORIGIN, "DELETE");
    expect(otherMethod.status).toBe(403);

    // Actual responses carry CORS headers only for allowed origins.
    const { url, fields } = await presign(s3, "uploads/cors.png");
    const foreign = await postForm(url, fields, "png!", "http://evil.test");
    expect(foreign.status).toBe(204);
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("does not resend the test event on restart with the same configuration", async () => {
    const restarted = await startTestS3(BUCKETS, s3.dataDir);
    try {
      expect(restarted.events).toEqual([]);
      const stored = await restarted.client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: "uploads/ok.png" }),
      );
      expect(stored.ContentLength).toBe(600);
      const before = records(s3).filter((r) => r.s3.object.key === "uploads/ok.png");
      const { url, fields } = await presign(restarted, "uploads/ok.png");
      expect((await postForm(url, fields, "again")).status).toBe(204);
      const [again] = records(restarted);
      expect(BigInt(`0x${again?.s3.object.sequencer}`)).toBeGreaterThan(
        BigInt(`0x${before.at(-1)?.s3.object.sequencer}`),
      );
    } finally {
      await restarted.close();
    }
  });
});
