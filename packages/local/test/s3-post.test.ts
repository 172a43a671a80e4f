import { GetObjectCommand } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { describe, expect, it } from "vitest";
import { clientFor, errorOf, startTestS3, useTestS3 } from "./s3-helpers.ts";
import {
  APP_ORIGIN,
  BUCKET,
  BUCKETS,
  MAX_BYTES,
  postForm,
  presign,
  records,
  versionsOf,
} from "./s3-post-helpers.ts";

/** POSTs that break the policy or its signature: each refused with S3's error, leaving no trace. */
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

describe("local S3: browser POST uploads and CORS", () => {
  const s3 = useTestS3(BUCKETS);

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
      expect(await versionsOf(s3, refusal.key)).toEqual([]);
      expect(await versionsOf(s3, tampered.key ?? refusal.key)).toEqual([]);
      expect(records(s3).length).toBe(before);
    });
  }

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
