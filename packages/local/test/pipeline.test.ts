/**
 * The whole pipeline with a real photo, through the public contract only: the API, a browser-style
 * upload to the local S3, the S3 event, the queue, the worker, the model server and DynamoDB.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { JobView } from "@artai/core/contract";
import * as Deletion from "@artai/core/deletion";
import { PHOTOS } from "@artai/test-images";
import { ListObjectVersionsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, upload } from "../src/client.ts";
import { NAMES, REGION, REPLICA_REGION, type Stack } from "../src/stack.ts";
import { quietStack } from "./helpers.ts";

const photo = readFileSync(PHOTOS.tissueSample);

/** Every bucket a job's images can be in, each with the region it must be reached in. */
const EVERY_BUCKET = [
  { name: NAMES.uploads, region: REGION },
  { name: NAMES.outputs, region: REGION },
  { name: NAMES.uploadsReplica, region: REPLICA_REGION },
  { name: NAMES.outputsReplica, region: REPLICA_REGION },
];

const clientIn = (stack: Stack, region: string) =>
  new S3Client({
    endpoint: stack.endpoints.s3,
    forcePathStyle: true,
    region,
    credentials: {
      accessKeyId: stack.env.AWS_ACCESS_KEY_ID ?? "",
      secretAccessKey: stack.env.AWS_SECRET_ACCESS_KEY ?? "",
    },
  });

/** Every version and delete marker of a job's keys, per bucket (both prefixes in each). */
async function copiesOf(stack: Stack, jobId: string) {
  const found: Record<string, string[]> = {};
  for (const bucket of EVERY_BUCKET) {
    found[bucket.name] = [];
    for (const prefix of [`uploads/${jobId}/`, `outputs/${jobId}/`]) {
      const page = await clientIn(stack, bucket.region).send(
        new ListObjectVersionsCommand({ Bucket: bucket.name, Prefix: prefix }),
      );
      for (const v of page.Versions ?? []) found[bucket.name]?.push(`${v.Key} ${v.VersionId}`);
      for (const m of page.DeleteMarkers ?? [])
        found[bucket.name]?.push(`${m.Key} ${m.VersionId} (delete marker)`);
    }
  }
  return found;
}
/**
 * Copies that arrive after a job's deletion: its input in the uploads replica (a version
 * replication had not copied yet) and variation `variation` in the outputs bucket (a worker still
 * running wrote it after the purge; it replicates in turn).
 */
async function leaveLateCopies(stack: Stack, id: string, variation: number) {
  await clientIn(stack, REPLICA_REGION).send(
    new PutObjectCommand({
      Bucket: NAMES.uploadsReplica,
      Key: `uploads/${id}/input`,
      Body: "late",
    }),
  );
  await clientIn(stack, REGION).send(
    new PutObjectCommand({
      Bucket: NAMES.outputs,
      Key: `outputs/${id}/${variation}.webp`,
      Body: "late",
    }),
  );
}
const nothingIn = Object.fromEntries(EVERY_BUCKET.map((b) => [b.name, []]));

describe("pipeline", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await quietStack("pipeline");
  });
  afterAll(async () => stack?.close());

  it("reports healthy once every component is up", async () => {
    const { status, body } = await new Browser(stack.url).json<{ ok: boolean }>("/api/health");
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
  });

  let finished: JobView;
  const alice = () => new Browser(stack.url);
  let owner: Browser;
  /** Owner's new job from the photo, uploaded and finished; its id. */
  const finishedJob = async () => {
    const created = await owner.createJob({ contentType: "image/jpeg", size: photo.length });
    const id = created.body.job.id;
    if (!created.body.upload) throw new Error("no upload in the answer");
    expect((await upload(created.body.upload, photo, "image/jpeg")).status).toBe(204);
    await owner.waitForJob(id, 60_000);
    return id;
  };

  it("turns a real photo into the requested number of distinct variations", async () => {
    owner = alice();
    const created = await owner.createJob({
      contentType: "image/jpeg",
      size: photo.length,
      variations: 3,
      strength: "subtle",
      seed: 7,
    });
    expect(created.status).toBe(201);
    expect(created.res.headers.get("set-cookie")).toMatch(/artai_owner=[^;]+;.*HttpOnly/);
    expect(created.body.job.status).toBe("queued");
    expect(created.body.job.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const target = created.body.upload;
    if (!target) throw new Error("no upload in the answer");

    const sent = await upload(target, photo, "image/jpeg");
    expect(sent.status).toBe(204);

    finished = await owner.waitForJob(created.body.job.id, 60_000);
    expect(finished.error).toBeUndefined();
    expect(finished.status).toBe("succeeded");
    expect(finished.options).toEqual({
      variations: 3,
      strength: "subtle",
      seed: 7,
      style: "photo",
    });
    expect(finished.variations).toHaveLength(3);

    const hashes = new Set<string>();
    for (const variation of finished.variations) {
      const res = await fetch(variation.url);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      const bytes = Buffer.from(await res.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect(["webp", "jpeg"]).toContain(meta.format);
      expect(meta.width).toBe(variation.width);
      expect(meta.height).toBe(variation.height);
      expect(meta.width).toBe(meta.height); // the photo is square: the aspect ratio is kept
      hashes.add(createHash("sha256").update(bytes).digest("hex"));
    }
    expect(hashes.size).toBe(3);
    const input = await fetch(finished.input?.url ?? "");
    expect(Buffer.from(await input.arrayBuffer()).equals(photo)).toBe(true);
  });

  it("lists the job for its owner and hides it from everyone else", async () => {
    const list = await owner.json<{ jobs: JobView[] }>("/api/jobs");
    expect(list.body.jobs.map((j) => j.id)).toContain(finished.id);

    const mallory = new Browser(stack.url);
    await mallory.createJob({ contentType: "image/png", size: 10 });
    const peek = await mallory.json<{ error: { code: string } }>(`/api/jobs/${finished.id}`);
    expect(peek.status).toBe(404);
    expect(peek.body.error.code).toBe("NotFound");
    expect(
      (await mallory.json<{ jobs: JobView[] }>("/api/jobs")).body.jobs.map((j) => j.id),
    ).not.toContain(finished.id);
    const remove = await mallory.request(`/api/jobs/${finished.id}`, { method: "DELETE" });
    expect(remove.status).toBe(404);
    const anonymous = await new Browser(stack.url).json(`/api/jobs/${finished.id}`);
    expect(anonymous.status).toBe(404);
  });

  it("varies a variation again, recording the lineage", async () => {
    const again = await owner.createJob({
      from: { jobId: finished.id, variation: 1 },
      variations: 1,
      seed: 99,
    });
    expect(again.status).toBe(201);
    expect(again.body.upload).toBeUndefined();
    const child = await owner.waitForJob(again.body.job.id, 60_000);
    expect(child.status).toBe("succeeded");
    expect(child.parent).toEqual({ jobId: finished.id, variation: 1 });
    expect(child.variations).toHaveLength(1);
  });

  it("deletes a job with every version and delete marker of its images, replicas included", async () => {
    const inputUrl = finished.input?.url ?? "";
    // Before: the upload and the three variations are in both buckets and in both replicas.
    const before = await copiesOf(stack, finished.id);
    expect(before[NAMES.uploads]).toHaveLength(1);
    expect(before[NAMES.outputs]).toHaveLength(3);
    expect(before[NAMES.uploadsReplica]).toEqual(before[NAMES.uploads]);
    expect(before[NAMES.outputsReplica]).toEqual(before[NAMES.outputs]);

    const res = await owner.request(`/api/jobs/${finished.id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect((await owner.json(`/api/jobs/${finished.id}`)).status).toBe(404);
    expect((await fetch(inputUrl)).status).toBe(404);
    expect(await copiesOf(stack, finished.id)).toEqual(nothingIn);
  });

  it("finishes a deletion whose request failed half-way, when the sweeper next runs", async () => {
    const id = await finishedJob();
    expect((await copiesOf(stack, id))[NAMES.outputsReplica]?.length).toBeGreaterThan(0);

    // The object store goes away while the deletion runs: the request fails, and says so.
    const outage = stack.restart("s3", 4000);
    await new Promise((r) => setTimeout(r, 300));
    const deletedAt = Date.now();
    const failed = await owner.json<{ error: { code: string } }>(`/api/jobs/${id}`, {
      method: "DELETE",
    });
    await outage;
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe("InternalError");
    expect((await owner.json(`/api/jobs/${id}`)).status).toBe(200);

    // The sweeper's next pass completes it: no copy anywhere, and the job is gone.
    await Deletion.repurge(deletedAt + Deletion.REPURGE.firstAfterMs + 1000);
    expect(await copiesOf(stack, id)).toEqual(nothingIn);
    expect((await owner.json(`/api/jobs/${id}`)).status).toBe(404);
  });

  it("purges a deleted job again for copies that arrive after the deletion", async () => {
    const id = await finishedJob();
    const deletedAt = Date.now();
    expect((await owner.request(`/api/jobs/${id}`, { method: "DELETE" })).status).toBe(204);
    expect(await copiesOf(stack, id)).toEqual(nothingIn);

    // What can still arrive on AWS: a version replication had not copied yet, and a variation
    // a worker still running wrote after the purge (which replicates in turn).
    await leaveLateCopies(stack, id, 9);
    const late = await copiesOf(stack, id);
    expect(late[NAMES.uploadsReplica]).toHaveLength(1);
    expect(late[NAMES.outputsReplica]).toHaveLength(1);

    // The sweeper's pass before this deletion's first re-purge is due leaves them (it may re-purge
    // the job deleted in the test before); the pass after removes them everywhere.
    await Deletion.repurge(deletedAt + Deletion.REPURGE.firstAfterMs - 1000);
    expect(await copiesOf(stack, id)).toEqual(late);
    const due = await Deletion.repurge(deletedAt + Deletion.REPURGE.firstAfterMs + 1000);
    expect(due.repurged).toBeGreaterThanOrEqual(1);
    expect(await copiesOf(stack, id)).toEqual(nothingIn);

    // Passes go on at doubling intervals until the window closes; then the deleted jobs of this
    // file are forgotten, and no pass finds anything due any more. (The sweeper runs every
    // 5 minutes: infra/sweeper.ts.)
    let forgotten = 0;
    const every = 5 * 60_000;
    for (let t = deletedAt; t <= deletedAt + Deletion.REPURGE.windowMs + every; t += every) {
      forgotten += (await Deletion.repurge(t)).forgotten;
    }
    expect(forgotten).toBe(3);
    expect(await Deletion.repurge(deletedAt + 10 * Deletion.REPURGE.windowMs)).toEqual({
      repurged: 0,
      forgotten: 0,
    });
  });
  it("the sweeper itself, with its own key and links, purges what a deleted job left late", async () => {
    // A deletion recorded more than the first interval ago, so the sweeper's next run is due.
    const id = "sweeperOwnKeyTest00001";
    await Deletion.purgeJob(id, Date.now() - Deletion.REPURGE.firstAfterMs - 1000);
    await leaveLateCopies(stack, id, 0);
    expect(await stack.functions.sweeper.invoke({})).toMatchObject({ repurged: 1 });
    expect(await copiesOf(stack, id)).toEqual(nothingIn);
  });
});
