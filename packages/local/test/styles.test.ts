/**
 * Styles end to end on the local stack: the styles the API lists are the contract's and the model
 * container's own, a job made in a style keeps it and gets that style from the model, and varying
 * a job keeps its style unless another is asked for.
 */
import { readFileSync } from "node:fs";
import { type JobView, STYLES } from "@artai/core/contract";
import { STYLES as MODEL_STYLES } from "@artai/model";
import { PHOTOS } from "@artai/test-images";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, upload } from "../src/client.ts";
import type { Stack } from "../src/stack.ts";
import { quietStack } from "./helpers.ts";

const photo = readFileSync(PHOTOS.tissueSample);

describe("styles", () => {
  let stack: Stack;
  let small: Buffer;
  beforeAll(async () => {
    small = await sharp(photo).resize(192, 192).png().toBuffer();
    stack = await quietStack("styles");
  });
  afterAll(async () => stack?.close());

  it("lists the contract's styles, which are exactly the model container's", async () => {
    const { status, body, res } = await new Browser(stack.url).json<{
      styles: { id: string; name: string; description: string }[];
    }>("/api/styles");
    expect(status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("max-age");
    expect(body.styles).toEqual(
      STYLES.map(({ id, name, description }) => ({ id, name, description })),
    );
    expect(body.styles).toEqual(
      MODEL_STYLES.map(({ id, name, description }) => ({ id, name, description })),
    );
    const refused = await new Browser(stack.url).request("/api/styles", { method: "POST" });
    expect(refused.status).toBe(405);
  });

  const make = async (owner: Browser, style: string | undefined, variations = 1) => {
    const created = await owner.createJob({
      contentType: "image/png",
      size: small.length,
      variations,
      seed: 5,
      ...(style ? { style } : {}),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const target = created.body.upload;
    if (!target) throw new Error("no upload in the answer");
    expect((await upload(target, small, "image/png")).status).toBe(204);
    return owner.waitForJob(created.body.job.id, 90_000);
  };
  const bytesOf = async (job: JobView, i = 0) =>
    Buffer.from(await (await fetch(job.variations[i]?.url ?? "")).arrayBuffer());

  it("makes a job in the style asked for, passes it to the model, and keeps it when varied", async () => {
    const owner = new Browser(stack.url);
    const watercolour = await make(owner, "watercolour");
    expect(watercolour.status).toBe("succeeded");
    expect(watercolour.options.style).toBe("watercolour");
    const photoJob = await make(owner, undefined);
    expect(photoJob.options.style).toBe("photo");
    // Same input, seed and strength: only the style differs, so the model must have been told.
    expect((await bytesOf(watercolour)).equals(await bytesOf(photoJob))).toBe(false);

    const varied = await owner.createJob({
      from: { jobId: watercolour.id, variation: 0 },
      variations: 1,
    });
    expect(varied.status).toBe(201);
    const child = await owner.waitForJob(varied.body.job.id, 90_000);
    expect(child.status).toBe("succeeded");
    expect(child.options.style).toBe("watercolour");

    const changed = await owner.createJob({
      from: { jobId: watercolour.id },
      variations: 1,
      style: "pencil",
    });
    expect(changed.status).toBe(201);
    expect(changed.body.job.options.style).toBe("pencil");

    // Each variation names its medium: the job's, or for mixed media the one the seed chose.
    expect(watercolour.variations.map((v) => v.style)).toEqual(["watercolour"]);
    const mixed = await make(owner, "surprise", 2);
    expect(mixed.options.style).toBe("surprise");
    const media = mixed.variations.map((v) => v.style);
    expect(new Set(media).size).toBe(2);
    for (const m of media) expect(["oil", "watercolour", "pencil", "print"]).toContain(m);

    const bad = await owner.createJob({ contentType: "image/png", size: 10, style: "cubism" });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe("InvalidRequest");
  });
});
