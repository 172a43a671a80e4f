/**
 * The whole pipeline with a real photo, through the public contract only: the API, a browser-style
 * upload to the local S3, the S3 event, the queue, the worker, the model server and DynamoDB.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { JobView } from "@artai/core/contract";
import { PHOTOS } from "@artai/test-images";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, upload } from "../src/client.ts";
import { type Stack, startStack } from "../src/stack.ts";
import { tempDir } from "./helpers.ts";

const photo = readFileSync(PHOTOS.tissueSample);

describe("pipeline", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      dataDir: tempDir("pipeline"),
      port: 0,
      web: "none",
      sweepIntervalMs: 0,
      log: () => {},
    });
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

  it("deletes a job with every version of its images", async () => {
    const inputUrl = finished.input?.url ?? "";
    const res = await owner.request(`/api/jobs/${finished.id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect((await owner.json(`/api/jobs/${finished.id}`)).status).toBe(404);
    expect((await fetch(inputUrl)).status).toBe(404);
  });
});
