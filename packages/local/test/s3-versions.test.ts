import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { rejection, useTestS3 } from "./s3-helpers.ts";

describe("local S3: versioning through @aws-sdk/client-s3", () => {
  const s3 = useTestS3();

  /** CreateBucket, then PutBucketVersioning Enabled, over the API. */
  async function createVersionedBucket(name: string) {
    await s3.client.send(new CreateBucketCommand({ Bucket: name }));
    await s3.client.send(
      new PutBucketVersioningCommand({
        Bucket: name,
        VersioningConfiguration: { Status: "Enabled" },
      }),
    );
  }

  it("keeps versions, delete markers and lists them", async () => {
    const { client } = s3;
    await createVersionedBucket("versioned");
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
    await createVersionedBucket("paged");
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
  it("a delete of a key never written succeeds, and leaves a delete marker in a versioned bucket", async () => {
    const { client } = s3;
    await createVersionedBucket("never-written");
    const marker = await client.send(
      new DeleteObjectCommand({ Bucket: "never-written", Key: "nothing-here" }),
    );
    expect(marker.DeleteMarker).toBe(true);
    expect(marker.VersionId).toBeTruthy();
    const many = await client.send(
      new DeleteObjectsCommand({
        Bucket: "never-written",
        Delete: { Objects: [{ Key: "nor-here" }] },
      }),
    );
    expect(many.Errors ?? []).toEqual([]);
    expect(many.Deleted?.[0]?.DeleteMarker).toBe(true);
    const listed = await client.send(new ListObjectVersionsCommand({ Bucket: "never-written" }));
    expect((listed.DeleteMarkers ?? []).map((m) => m.Key).sort()).toEqual([
      "nor-here",
      "nothing-here",
    ]);
    expect(listed.Versions ?? []).toEqual([]);
  });
});
