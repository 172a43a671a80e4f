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
import { describe, expect, it } from "vitest";
import type { TestEvent } from "../src/s3/index.ts";
import { useTestS3 } from "./s3-helpers.ts";
import { BUCKET, BUCKETS, records, versionsOf } from "./s3-post-helpers.ts";

describe("local S3: ObjectCreated notifications and sequencers", () => {
  const s3 = useTestS3(BUCKETS);

  it("sends one s3:TestEvent when the notification configuration is new", () => {
    const tests = s3.events.filter((e): e is TestEvent => "Event" in e);
    expect(tests).toHaveLength(1);
    expect(tests[0]).toMatchObject({ Service: "Amazon S3", Event: "s3:TestEvent", Bucket: BUCKET });
  });

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
    expect(await versionsOf(s3, key)).toEqual([]);

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
});
