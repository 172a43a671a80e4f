/**
 * Cross-region replication in the local S3, with AWS's rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html):
 * new object versions replicate with their version id and metadata, delete markers replicate when
 * the rule says so, and a delete that names a version does not replicate. The replica lives in its
 * own region, so only a client for that region may reach it.
 */

import { REPLICATION } from "@artai/core/contract";
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CREDENTIALS,
  clientFor,
  deleteObject,
  purgeVersions,
  putObject,
  startTestS3,
  type TestS3,
  versionsIn,
} from "./s3-helpers.ts";

const REPLICA_REGION = "us-west-2";

describe("local S3: cross-region replication", () => {
  let s3: TestS3;
  let replicaClient: ReturnType<typeof clientFor>;
  beforeAll(async () => {
    s3 = await startTestS3([
      { name: "replica", versioning: true, region: REPLICA_REGION },
      {
        name: "source",
        versioning: true,
        replication: { destination: "replica", deleteMarkers: REPLICATION.deleteMarkers },
      },
      { name: "quiet-replica", versioning: true, region: REPLICA_REGION },
      {
        name: "no-markers",
        versioning: true,
        replication: { destination: "quiet-replica", deleteMarkers: false },
      },
    ]);
    replicaClient = clientFor(s3.url, CREDENTIALS, { region: REPLICA_REGION });
  });
  afterAll(() => s3.destroy());

  const replicaGet = (key: string) =>
    replicaClient.send(new GetObjectCommand({ Bucket: "replica", Key: key }));

  it("copies a new version to the replica with its version id, type, metadata, body and date", async () => {
    const put = await putObject(s3.client, "source", "outputs/a/1.webp", "variation one", {
      ContentType: "image/webp",
      CacheControl: "max-age=60",
      Metadata: { seed: "7" },
    });
    const source = await s3.client.send(
      new HeadObjectCommand({ Bucket: "source", Key: "outputs/a/1.webp" }),
    );
    expect(source.ReplicationStatus).toBe("COMPLETED");

    const copy = await replicaGet("outputs/a/1.webp");
    expect(copy.VersionId).toBe(put.VersionId);
    expect(copy.ReplicationStatus).toBe("REPLICA");
    expect(copy.ContentType).toBe("image/webp");
    expect(copy.CacheControl).toBe("max-age=60");
    expect(copy.Metadata).toEqual({ seed: "7" });
    expect(copy.ETag).toBe(put.ETag);
    expect(copy.LastModified?.getTime()).toBe(source.LastModified?.getTime());
    expect(await copy.Body?.transformToString()).toBe("variation one");
  });

  it("replicates every version, copies included, newest first", async () => {
    const first = await putObject(s3.client, "source", "uploads/b/input", "v1");
    const second = await s3.client.send(
      new CopyObjectCommand({
        Bucket: "source",
        Key: "uploads/b/input",
        CopySource: "source/uploads/b/input",
        MetadataDirective: "REPLACE",
        ContentType: "image/png",
      }),
    );
    expect(await versionsIn(replicaClient, "replica", "uploads/b/input")).toEqual({
      versions: [second.VersionId, first.VersionId],
      markers: [],
    });
  });

  it("replicates a delete marker, with its version id, when the rule says so", async () => {
    const put = await putObject(s3.client, "source", "uploads/c/input", "c");
    const marker = await deleteObject(s3.client, "source", "uploads/c/input");
    expect(marker.DeleteMarker).toBe(true);
    expect(await versionsIn(replicaClient, "replica", "uploads/c/input")).toEqual({
      versions: [put.VersionId],
      markers: [marker.VersionId],
    });
    await expect(replicaGet("uploads/c/input")).rejects.toMatchObject({ name: "NoSuchKey" });
  });

  it("keeps delete markers to itself when the rule does not replicate them", async () => {
    const put = await putObject(s3.client, "no-markers", "k", "k");
    await deleteObject(s3.client, "no-markers", "k");
    expect(await versionsIn(replicaClient, "quiet-replica", "k")).toEqual({
      versions: [put.VersionId],
      markers: [],
    });
  });

  it("does not replicate a delete that names a version: the replica keeps it", async () => {
    const put = await putObject(s3.client, "source", "outputs/d/1.webp", "d");
    const marker = await deleteObject(s3.client, "source", "outputs/d/1.webp");
    // Removing the marker and the version for good, one by one and in a batch.
    await deleteObject(s3.client, "source", "outputs/d/1.webp", marker.VersionId);
    await purgeVersions(s3.client, "source", "outputs/d/1.webp", [put.VersionId]);
    expect(await versionsIn(s3.client, "source", "outputs/d/1.webp")).toEqual({
      versions: [],
      markers: [],
    });
    expect(await versionsIn(replicaClient, "replica", "outputs/d/1.webp")).toEqual({
      versions: [put.VersionId],
      markers: [marker.VersionId],
    });
    // Nor does removing the marker in the source bring the object back in the replica.
    await expect(replicaGet("outputs/d/1.webp")).rejects.toMatchObject({ name: "NoSuchKey" });
    // Purging the replica takes its own versioned deletes, in its own region.
    await purgeVersions(replicaClient, "replica", "outputs/d/1.webp", [
      put.VersionId,
      marker.VersionId,
    ]);
    expect(await versionsIn(replicaClient, "replica", "outputs/d/1.webp")).toEqual({
      versions: [],
      markers: [],
    });
  });

  it("writes to the replica directly do not flow back to the source", async () => {
    await putObject(replicaClient, "replica", "only-here", "x");
    expect(await versionsIn(s3.client, "source", "only-here")).toEqual({
      versions: [],
      markers: [],
    });
  });

  it("answers the replica only to requests signed for its region", async () => {
    const head = await replicaClient.send(new HeadBucketCommand({ Bucket: "replica" }));
    expect(head.BucketRegion).toBe(REPLICA_REGION);
    await expect(
      s3.client.send(new ListObjectVersionsCommand({ Bucket: "replica" })),
    ).rejects.toMatchObject({
      name: "AuthorizationHeaderMalformed",
      message: expect.stringContaining(`expecting '${REPLICA_REGION}'`),
    });
  });

  it("keeps the replicas across a restart", async () => {
    await s3.close();
    const again = await startTestS3(
      [
        { name: "replica", versioning: true, region: REPLICA_REGION },
        {
          name: "source",
          versioning: true,
          replication: { destination: "replica", deleteMarkers: true },
        },
      ],
      s3.dataDir,
    );
    s3 = again;
    const client = clientFor(again.url, CREDENTIALS, { region: REPLICA_REGION });
    const copy = await client.send(
      new HeadObjectCommand({ Bucket: "replica", Key: "outputs/a/1.webp" }),
    );
    expect(copy.ReplicationStatus).toBe("REPLICA");
  });
});
