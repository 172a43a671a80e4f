import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { describe, expect, it, vi } from "vitest";
import {
  CREDENTIALS,
  clientFor,
  putObject,
  rejection,
  startTestS3,
  useTestS3,
} from "./s3-helpers.ts";

const md5 = (data: string | Buffer) => createHash("md5").update(data).digest("hex");

describe("local S3 through @aws-sdk/client-s3", () => {
  const s3 = useTestS3([{ name: "photos" }]);

  it("round-trips put, get, head, list and delete", async () => {
    const { client } = s3;
    const put = await putObject(client, "photos", "a/one.txt", "hello artai", {
      ContentType: "text/plain",
    });
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
    await putObject(client, "photos", "digits", "0123456789", { ContentType: "text/plain" });
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
