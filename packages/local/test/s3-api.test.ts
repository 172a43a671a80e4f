import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CREDENTIALS, clientFor, errorOf, startTestS3, type TestS3 } from "./s3-helpers.ts";

const md5 = (data: string | Buffer) => createHash("md5").update(data).digest("hex");

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error("expected the request to be refused");
}

describe("local S3 through @aws-sdk/client-s3", () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3();
    await s3.client.send(new CreateBucketCommand({ Bucket: "photos" }));
  });
  afterAll(() => s3.destroy());

  it("round-trips put, get, head, list and delete", async () => {
    const { client } = s3;
    const put = await client.send(
      new PutObjectCommand({
        Bucket: "photos",
        Key: "a/one.txt",
        Body: "hello artai",
        ContentType: "text/plain",
      }),
    );
    expect(put.ETag).toBe(`"${md5("hello artai")}"`);

    const got = await client.send(new GetObjectCommand({ Bucket: "photos", Key: "a/one.txt" }));
    expect(await got.Body?.transformToString()).toBe("hello artai");
    expect(got.ContentType).toBe("text/plain");
    expect(got.ETag).toBe(put.ETag);

    const head = await client.send(new HeadObjectCommand({ Bucket: "photos", Key: "a/one.txt" }));
    expect(head.ContentLength).toBe(11);

    // A stream body goes out as aws-chunked with a trailing CRC32.
    const streamed = Buffer.alloc(300_000, 7);
    await client.send(
      new PutObjectCommand({
        Bucket: "photos",
        Key: "a/two.bin",
        Body: Readable.from([streamed]),
        ContentLength: streamed.length,
      }),
    );
    const two = await client.send(new GetObjectCommand({ Bucket: "photos", Key: "a/two.bin" }));
    const bytes = await two.Body?.transformToByteArray();
    expect(bytes && Buffer.from(bytes).equals(streamed)).toBe(true);

    await client.send(new PutObjectCommand({ Bucket: "photos", Key: "b.txt", Body: "b" }));
    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: "photos", Delimiter: "/" }),
    );
    expect(listed.Contents?.map((o) => o.Key)).toEqual(["b.txt"]);
    expect(listed.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["a/"]);

    const page1 = await client.send(new ListObjectsV2Command({ Bucket: "photos", MaxKeys: 2 }));
    expect(page1.Contents?.map((o) => o.Key)).toEqual(["a/one.txt", "a/two.bin"]);
    expect(page1.IsTruncated).toBe(true);
    const page2 = await client.send(
      new ListObjectsV2Command({
        Bucket: "photos",
        MaxKeys: 2,
        ContinuationToken: page1.NextContinuationToken,
      }),
    );
    expect(page2.Contents?.map((o) => o.Key)).toEqual(["b.txt"]);
    expect(page2.IsTruncated).toBe(false);

    await client.send(new DeleteObjectCommand({ Bucket: "photos", Key: "b.txt" }));
    const missing = await rejection(
      client.send(new GetObjectCommand({ Bucket: "photos", Key: "b.txt" })),
    );
    expect(missing.name).toBe("NoSuchKey");
    const missingHead = await rejection(
      client.send(new HeadObjectCommand({ Bucket: "photos", Key: "b.txt" })),
    );
    expect(missingHead.$metadata?.httpStatusCode).toBe(404);

    const deleted = await client.send(
      new DeleteObjectsCommand({
        Bucket: "photos",
        Delete: { Objects: [{ Key: "a/one.txt" }, { Key: "a/two.bin" }] },
      }),
    );
    expect(deleted.Deleted?.map((d) => d.Key).sort()).toEqual(["a/one.txt", "a/two.bin"]);
    const empty = await client.send(new ListObjectsV2Command({ Bucket: "photos" }));
    expect(empty.KeyCount).toBe(0);
  });

  it("serves ranges, copies objects and lists buckets", async () => {
    const { client } = s3;
    await client.send(
      new PutObjectCommand({
        Bucket: "photos",
        Key: "digits",
        Body: "0123456789",
        ContentType: "text/plain",
      }),
    );
    const range = await client.send(
      new GetObjectCommand({ Bucket: "photos", Key: "digits", Range: "bytes=2-5" }),
    );
    expect(await range.Body?.transformToString()).toBe("2345");
    expect(range.ContentRange).toBe("bytes 2-5/10");

    const copy = await client.send(
      new CopyObjectCommand({ Bucket: "photos", Key: "digits copy", CopySource: "photos/digits" }),
    );
    expect(copy.CopyObjectResult?.ETag).toBe(`"${md5("0123456789")}"`);
    const copied = await client.send(
      new GetObjectCommand({ Bucket: "photos", Key: "digits copy" }),
    );
    expect(await copied.Body?.transformToString()).toBe("0123456789");
    expect(copied.ContentType).toBe("text/plain");

    const buckets = await client.send(new ListBucketsCommand({}));
    expect(buckets.Buckets?.map((b) => b.Name)).toContain("photos");
    await client.send(new HeadBucketCommand({ Bucket: "photos" }));
    const noBucket = await rejection(
      client.send(new GetObjectCommand({ Bucket: "nope-bucket", Key: "x" })),
    );
    expect(noBucket.name).toBe("NoSuchBucket");
    const notEmpty = await rejection(client.send(new DeleteBucketCommand({ Bucket: "photos" })));
    expect(notEmpty.name).toBe("BucketNotEmpty");
  });

  it("refuses bodies whose declared digests do not match", async () => {
    const { client } = s3;
    const crc = await rejection(
      client.send(
        new PutObjectCommand({
          Bucket: "photos",
          Key: "bad-crc",
          Body: "payload",
          ChecksumCRC32: "AAAAAA==",
        }),
      ),
    );
    expect(crc.name).toBe("BadDigest");
    const contentMd5 = await rejection(
      client.send(
        new PutObjectCommand({
          Bucket: "photos",
          Key: "bad-md5",
          Body: "payload",
          ContentMD5: createHash("md5").update("other").digest("base64"),
        }),
      ),
    );
    expect(contentMd5.name).toBe("BadDigest");
    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: "photos", Prefix: "bad-" }),
    );
    expect(listed.KeyCount).toBe(0);
  });

  it("keeps versions, delete markers and lists them", async () => {
    const { client } = s3;
    await client.send(new CreateBucketCommand({ Bucket: "versioned" }));
    await client.send(
      new PutBucketVersioningCommand({
        Bucket: "versioned",
        VersioningConfiguration: { Status: "Enabled" },
      }),
    );
    expect(
      (await client.send(new GetBucketVersioningCommand({ Bucket: "versioned" }))).Status,
    ).toBe("Enabled");

    const v1 = await client.send(
      new PutObjectCommand({ Bucket: "versioned", Key: "doc", Body: "first" }),
    );
    const v2 = await client.send(
      new PutObjectCommand({ Bucket: "versioned", Key: "doc", Body: "second" }),
    );
    expect(v1.VersionId).toBeTruthy();
    expect(v2.VersionId).not.toBe(v1.VersionId);

    const old = await client.send(
      new GetObjectCommand({ Bucket: "versioned", Key: "doc", VersionId: v1.VersionId }),
    );
    expect(await old.Body?.transformToString()).toBe("first");
    expect(old.VersionId).toBe(v1.VersionId);

    const marker = await client.send(new DeleteObjectCommand({ Bucket: "versioned", Key: "doc" }));
    expect(marker.DeleteMarker).toBe(true);
    const gone = await rejection(
      client.send(new GetObjectCommand({ Bucket: "versioned", Key: "doc" })),
    );
    expect(gone.name).toBe("NoSuchKey");
    const stillThere = await client.send(
      new GetObjectCommand({ Bucket: "versioned", Key: "doc", VersionId: v2.VersionId }),
    );
    expect(await stillThere.Body?.transformToString()).toBe("second");

    const versions = await client.send(new ListObjectVersionsCommand({ Bucket: "versioned" }));
    expect(versions.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      [v2.VersionId, false],
      [v1.VersionId, false],
    ]);
    expect(versions.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest])).toEqual([
      [marker.VersionId, true],
    ]);
    const live = await client.send(new ListObjectsV2Command({ Bucket: "versioned" }));
    expect(live.KeyCount).toBe(0);

    // Removing the delete marker for good brings the newest version back.
    await client.send(
      new DeleteObjectCommand({ Bucket: "versioned", Key: "doc", VersionId: marker.VersionId }),
    );
    const back = await client.send(new GetObjectCommand({ Bucket: "versioned", Key: "doc" }));
    expect(await back.Body?.transformToString()).toBe("second");
    await client.send(
      new DeleteObjectCommand({ Bucket: "versioned", Key: "doc", VersionId: v1.VersionId }),
    );
    const after = await client.send(new ListObjectVersionsCommand({ Bucket: "versioned" }));
    expect(after.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([[v2.VersionId, true]]);
  });

  it("pages through versions, even while deleting each page as it goes", async () => {
    const { client } = s3;
    await client.send(new CreateBucketCommand({ Bucket: "paged" }));
    await client.send(
      new PutBucketVersioningCommand({
        Bucket: "paged",
        VersioningConfiguration: { Status: "Enabled" },
      }),
    );
    for (const [key, count] of [
      ["p", 3],
      ["q", 2],
    ] as const) {
      for (let i = 0; i < count; i++)
        await client.send(new PutObjectCommand({ Bucket: "paged", Key: key, Body: `${key}${i}` }));
    }
    await client.send(new DeleteObjectCommand({ Bucket: "paged", Key: "q" }));
    const all = await client.send(new ListObjectVersionsCommand({ Bucket: "paged" }));
    const everything = [...(all.Versions ?? []), ...(all.DeleteMarkers ?? [])]
      .map((v) => v.VersionId)
      .sort();
    expect(everything).toHaveLength(6);

    const seen: (string | undefined)[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await client.send(
        new ListObjectVersionsCommand({
          Bucket: "paged",
          MaxKeys: 2,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
        }),
      );
      const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
        Key: v.Key,
        VersionId: v.VersionId,
      }));
      seen.push(...objects.map((o) => o.VersionId));
      await client.send(
        new DeleteObjectsCommand({ Bucket: "paged", Delete: { Objects: objects, Quiet: true } }),
      );
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker);
    expect(seen.sort()).toEqual(everything);
    const left = await client.send(new ListObjectVersionsCommand({ Bucket: "paged" }));
    expect([...(left.Versions ?? []), ...(left.DeleteMarkers ?? [])]).toEqual([]);
  });

  it("verifies SigV4 header signatures", async () => {
    const wrongSecret = clientFor(s3.url, {
      accessKeyId: CREDENTIALS.accessKeyId,
      secretAccessKey: "not-the-secret",
    });
    const forged = await rejection(
      wrongSecret.send(new ListObjectsV2Command({ Bucket: "photos" })),
    );
    expect(forged.name).toBe("SignatureDoesNotMatch");
    expect(forged.$metadata?.httpStatusCode).toBe(403);

    const unknown = clientFor(s3.url, { accessKeyId: "AKIAUNKNOWN", secretAccessKey: "whatever" });
    const denied = await rejection(
      unknown.send(new PutObjectCommand({ Bucket: "photos", Key: "intruder", Body: "x" })),
    );
    expect(denied.name).toBe("InvalidAccessKeyId");

    const anonymous = await fetch(`${s3.url}/photos/digits`);
    expect(await errorOf(anonymous)).toMatchObject({ status: 403, code: "AccessDenied" });
    await expect(
      s3.client.send(new HeadObjectCommand({ Bucket: "photos", Key: "intruder" })),
    ).rejects.toThrow();
  });

  it("honours presigned GETs and refuses forged or expired ones", async () => {
    const { client } = s3;
    await client.send(
      new PutObjectCommand({
        Bucket: "photos",
        Key: "pic (1).png",
        Body: "png bytes",
        ContentType: "image/png",
      }),
    );
    const command = new GetObjectCommand({ Bucket: "photos", Key: "pic (1).png" });
    const url = await getSignedUrl(client, command, { expiresIn: 60 });

    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("png bytes");
    expect(ok.headers.get("content-type")).toBe("image/png");
    expect(ok.headers.get("x-content-type-options")).toBe("nosniff");

    const overridden = await fetch(
      await getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: "photos",
          Key: "pic (1).png",
          ResponseContentDisposition: "attachment",
        }),
        { expiresIn: 60 },
      ),
    );
    expect(overridden.headers.get("content-disposition")).toBe("attachment");

    const zeroed = new URL(url);
    zeroed.searchParams.set("X-Amz-Signature", "0".repeat(64));
    expect(await errorOf(await fetch(zeroed))).toMatchObject({
      status: 403,
      code: "SignatureDoesNotMatch",
    });

    const asDelete = await fetch(url, { method: "DELETE" });
    expect(await errorOf(asDelete)).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });

    const otherKey = url.replace("pic%20%281%29.png", "digits");
    expect(await errorOf(await fetch(otherKey))).toMatchObject({
      status: 403,
      code: "SignatureDoesNotMatch",
    });

    const longer = new URL(url);
    longer.searchParams.set("X-Amz-Expires", "604800");
    expect(await errorOf(await fetch(longer))).toMatchObject({
      status: 403,
      code: "SignatureDoesNotMatch",
    });

    const expired = await getSignedUrl(client, command, {
      expiresIn: 5,
      signingDate: new Date(Date.now() - 60_000),
    });
    expect(await errorOf(await fetch(expired))).toEqual({
      status: 403,
      code: "AccessDenied",
      message: "Request has expired",
    });
  });

  it("accepts presigned PUTs only with a matching checksum", async () => {
    const whenRequired = clientFor(s3.url, CREDENTIALS, {
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
    const put = await getSignedUrl(
      whenRequired,
      new PutObjectCommand({
        Bucket: "photos",
        Key: "presigned-put.png",
        ContentType: "image/png",
      }),
      { expiresIn: 60 },
    );
    const ok = await fetch(put, {
      method: "PUT",
      body: "img",
      headers: { "content-type": "image/png" },
    });
    expect(ok.status).toBe(200);
    const head = await s3.client.send(
      new HeadObjectCommand({ Bucket: "photos", Key: "presigned-put.png" }),
    );
    expect(head.ContentType).toBe("image/png");

    // Unsigned x-amz-* headers are refused, so the URL cannot be turned into a copy of another object.
    const hijack = await fetch(put, {
      method: "PUT",
      headers: { "x-amz-copy-source": "photos/digits", "content-type": "image/png" },
    });
    expect(await errorOf(hijack)).toMatchObject({ status: 403, code: "AccessDenied" });
    const unchanged = await s3.client.send(
      new GetObjectCommand({ Bucket: "photos", Key: "presigned-put.png" }),
    );
    expect(await unchanged.Body?.transformToString()).toBe("img");

    // With the SDK's default checksum setting the URL carries the CRC32 of an empty body,
    // so AWS (and this server) refuse any non-empty upload with it.
    const withEmptyCrc = await getSignedUrl(
      s3.client,
      new PutObjectCommand({ Bucket: "photos", Key: "presigned-crc.png" }),
      { expiresIn: 60 },
    );
    expect(await errorOf(await fetch(withEmptyCrc, { method: "PUT", body: "img" }))).toMatchObject({
      status: 400,
      code: "BadDigest",
    });
  });

  it("stores nothing from an upload cut off midway", async () => {
    const { hostname, port } = new URL(s3.url);
    // A correctly signed PUT whose connection drops after half the declared bytes.
    const signed = await getSignedUrl(
      clientFor(s3.url, CREDENTIALS, { requestChecksumCalculation: "WHEN_REQUIRED" }),
      new PutObjectCommand({ Bucket: "photos", Key: "cut-off.bin" }),
      { expiresIn: 60 },
    );
    const { pathname, search } = new URL(signed);
    await new Promise<void>((resolve) => {
      const req = request({
        host: hostname,
        port,
        method: "PUT",
        path: pathname + search,
        headers: { "content-length": "200000" },
      });
      req.on("error", () => resolve());
      req.write(Buffer.alloc(100_000, 1), () =>
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 50),
      );
    });
    const head = await rejection(
      s3.client.send(new HeadObjectCommand({ Bucket: "photos", Key: "cut-off.bin" })),
    );
    expect(head.$metadata?.httpStatusCode).toBe(404);
    // The partial body is removed once the server notices the dropped connection.
    await vi.waitFor(async () => expect(await readdir(join(s3.dataDir, "tmp"))).toEqual([]));
  });

  it("keeps objects, versions and bucket settings across a restart", async () => {
    const first = await startTestS3([{ name: "durable", versioning: true }]);
    const v1 = await first.client.send(
      new PutObjectCommand({ Bucket: "durable", Key: "k", Body: "one" }),
    );
    await first.client.send(new PutObjectCommand({ Bucket: "durable", Key: "k", Body: "two" }));
    await first.close();

    const second = await startTestS3([], first.dataDir);
    try {
      const latest = await second.client.send(
        new GetObjectCommand({ Bucket: "durable", Key: "k" }),
      );
      expect(await latest.Body?.transformToString()).toBe("two");
      const old = await second.client.send(
        new GetObjectCommand({ Bucket: "durable", Key: "k", VersionId: v1.VersionId }),
      );
      expect(await old.Body?.transformToString()).toBe("one");
      const status = await second.client.send(
        new GetBucketVersioningCommand({ Bucket: "durable" }),
      );
      expect(status.Status).toBe("Enabled");
    } finally {
      await second.destroy();
    }
  });
});
