/**
 * Issue 6, points 13–15: per-address rate limits and the open-jobs cap, ownership, image links
 * that expire and name one object, and the headers images are served with. The limits are set low
 * through the same environment variables a deployment uses, so the test stays short; clients
 * connect from different loopback addresses to be different callers.
 */

import type { JobView } from "@artai/core/contract";
import * as Edge from "@artai/core/edge";
import { photo } from "@artai/test-images";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upload } from "../src/client.ts";
import { NAMES, type Stack } from "../src/stack.ts";
import { quietStack } from "./helpers.ts";
import { ClientAt, finished, s3Client, submit } from "./reliability-helpers.ts";

process.env.ARTAI_LIMIT_CREATES_PER_MINUTE = "20";
process.env.ARTAI_LIMIT_READS_PER_MINUTE = "40";
process.env.ARTAI_LIMIT_OPEN_JOBS = "3";

let stack: Stack;
let image: Buffer;
const ids: string[] = [];
beforeAll(async () => {
  stack = await quietStack("reliability-abuse");
  image = await photo(40, 40, "png");
});
afterAll(async () => stack?.close());

const create = (client: ClientAt) =>
  client.createJob({ contentType: "image/png", size: image.length, variations: 2 });

describe("13. rate limits and the open-jobs cap", () => {
  it("a token bucket per address: a burst of 25 creations at once gets the bucket's 20 (plus any refilled while it lasts), the rest 429 with Retry-After; other addresses are unaffected; a token comes back after Retry-After", async () => {
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => create(new ClientAt(stack.url, "127.0.0.2"))),
    );
    // 20 a minute refill one token every 3 s; on a busy machine the burst itself may last that long.
    const refilled = Math.floor((Date.now() - started) / 3000);
    const created = answers.filter((a) => a.status === 201);
    const limited = answers.filter((a) => a.status === 429);
    expect(refilled).toBeLessThan(5);
    expect(created.length).toBeGreaterThanOrEqual(20);
    expect(created.length).toBeLessThanOrEqual(20 + refilled);
    expect(limited).toHaveLength(25 - created.length);
    for (const a of created) ids.push(a.body.job.id);
    for (const a of limited) {
      expect(a.body.error).toMatchObject({ code: "RateLimited" });
      expect(a.body.error?.message).toMatch(/Try again in \d+ s/);
    }
    const retryAfter = Number(limited[0]?.res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3);

    expect((await create(new ClientAt(stack.url, "127.0.0.3"))).status).toBe(201);
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 200));
    const again = await create(new ClientAt(stack.url, "127.0.0.2"));
    expect(again.status).toBe(201);
    ids.push(again.body.job.id);
  });

  it("reads have their own, larger bucket, and a client cannot pose as other addresses", async () => {
    const reader = new ClientAt(stack.url, "127.0.0.4");
    const started = Date.now();
    const statuses = await Promise.all(
      // Each request claims another address; the front, as CloudFront does, overwrites the claim.
      Array.from({ length: 50 }, async (_, i) => {
        const headers = {
          [Edge.VIEWER_HEADER]: `203.0.113.${i}`,
          "cloudfront-viewer-address": `203.0.113.${i}:443`,
          "x-forwarded-for": `198.51.100.${i}`,
        };
        return (await reader.request("/api/jobs", { headers })).status;
      }),
    );
    // 40 a minute refill one token every 1.5 s.
    const refilled = Math.floor((Date.now() - started) / 1500);
    const ok = statuses.filter((s) => s === 200).length;
    expect(refilled).toBeLessThan(10);
    expect(ok).toBeGreaterThanOrEqual(40);
    expect(ok).toBeLessThanOrEqual(40 + refilled);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50 - ok);
    // Reads spent nothing from the same address's creations.
    expect((await create(reader)).status).toBe(201);
  });

  it("the API's own address, which skips the edge, refuses everything with 403, even with forged edge headers", async () => {
    const direct = new ClientAt(stack.endpoints.api, "127.0.0.8");
    const forged = { [Edge.SECRET_HEADER]: "guess", [Edge.VIEWER_HEADER]: "203.0.113.50" };
    for (const [path, init] of [
      ["/api/health", {}],
      ["/api/jobs", { headers: forged }],
      [
        "/api/jobs",
        {
          method: "POST",
          headers: { ...forged, "content-type": "application/json" },
          body: JSON.stringify({ contentType: "image/png", size: image.length, variations: 1 }),
        },
      ],
    ] as const) {
      const res = await direct.request(path, init);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        error: { code: "Forbidden", message: expect.stringMatching(/site's own address/) },
      });
      expect(res.headers.get("set-cookie")).toBeNull();
    }
    // The same caller through the site's address is served.
    expect((await new ClientAt(stack.url, "127.0.0.8").request("/api/health")).status).toBe(200);
  });

  it("an owner may have 3 open jobs; the 4th is refused with 429 TooManyOpenJobs until one finishes", async () => {
    const owner = new ClientAt(stack.url, "127.0.0.5");
    const open: { id: string; target: { url: string; fields: Record<string, string> } }[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await create(owner);
      expect(res.status).toBe(201);
      if (!res.body.upload) throw new Error("no upload");
      open.push({ id: res.body.job.id, target: res.body.upload });
      ids.push(res.body.job.id);
    }
    const refused = await create(owner);
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe("TooManyOpenJobs");
    expect(refused.body.error?.message).toMatch(/3 images waiting/);
    // Another owner at the same address is not affected.
    expect((await create(new ClientAt(stack.url, "127.0.0.5"))).status).toBe(201);

    const first = open[0];
    if (!first) throw new Error("no job");
    expect((await upload(first.target, image, "image/png")).status).toBe(204);
    expect((await finished(owner, first.id)).status).toBe("succeeded");
    expect((await create(owner)).status).toBe(201);
  });
});

describe("14–15. ownership, image links and headers", () => {
  let alice: ClientAt;
  let job: JobView;
  let other: JobView;
  beforeAll(async () => {
    alice = new ClientAt(stack.url, "127.0.0.6");
    const id = await submit(alice, image, "image/png", { variations: 2 });
    job = await finished(alice, id);
    const otherId = await submit(alice, image, "image/png", { variations: 1, seed: 3 });
    other = await finished(alice, otherId);
    ids.push(id, otherId);
  });

  it("another owner's job, images and deletion answer 404, like a job that does not exist", async () => {
    expect(job.status).toBe("succeeded");
    const mallory = new ClientAt(stack.url, "127.0.0.7");
    await create(mallory); // Mallory has an owner cookie of her own
    const missing = `${job.id.slice(0, -2)}${job.id.endsWith("AA") ? "AB" : "AA"}`;
    for (const target of [job.id, missing]) {
      const read = await mallory.json<{ error: { code: string } }>(`/api/jobs/${target}`);
      expect(read.status).toBe(404);
      expect(read.body.error.code).toBe("NotFound");
      expect((await mallory.request(`/api/jobs/${target}`, { method: "DELETE" })).status).toBe(404);
    }
    const list = await mallory.json<{ jobs: JobView[] }>("/api/jobs");
    expect(list.body.jobs.map((j) => j.id)).not.toContain(job.id);
    expect((await new ClientAt(stack.url, "127.0.0.7").json(`/api/jobs/${job.id}`)).status).toBe(
      404,
    );
    // Still there for its owner.
    expect((await alice.json(`/api/jobs/${job.id}`)).status).toBe(200);
  });

  it("job ids carry 128 random bits", () => {
    expect(ids.length).toBeGreaterThanOrEqual(20);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(id, "base64url")).toHaveLength(16);
    }
  });

  it("image links expire within 15 minutes and open exactly one object", async () => {
    const [first, second] = job.variations;
    if (!first || !second) throw new Error("two variations expected");
    for (const url of [first.url, second.url, job.input?.url ?? ""]) {
      const expires = Number(new URL(url).searchParams.get("X-Amz-Expires"));
      expect(expires).toBeGreaterThan(0);
      expect(expires).toBeLessThanOrEqual(900);
      expect((await fetch(url)).status).toBe(200);
    }
    // The signature of one object's link does not open another object: not the job's other
    // variation, not another job's, not the input.
    const signed = new URL(first.url);
    const otherKeys = [
      new URL(second.url).pathname,
      new URL(other.variations[0]?.url ?? "").pathname,
      signed.pathname.replace(
        /\/artai-local-outputs\/outputs\/([^/]+)\/0\.webp$/,
        "/artai-local-uploads/uploads/$1/input",
      ),
    ];
    for (const pathname of otherKeys) {
      expect(pathname).not.toBe(signed.pathname);
      const forged = new URL(signed);
      forged.pathname = pathname;
      expect((await fetch(forged)).status).toBe(403);
    }
    // A link signed 16 minutes ago for 15 minutes no longer opens.
    const stale = await getSignedUrl(
      s3Client(stack),
      new GetObjectCommand({
        Bucket: NAMES.outputs,
        Key: signed.pathname.split("/").slice(2).join("/"),
      }),
      { expiresIn: 900, signingDate: new Date(Date.now() - 16 * 60 * 1000) },
    );
    expect((await fetch(stale)).status).toBe(403);
  });

  it("images are served with the type ArtAI recorded and X-Content-Type-Options: nosniff", async () => {
    const output = await fetch(job.variations[0]?.url ?? "");
    expect(output.headers.get("content-type")).toBe("image/webp");
    expect(output.headers.get("x-content-type-options")).toBe("nosniff");
    const input = await fetch(job.input?.url ?? "");
    expect(input.headers.get("content-type")).toBe("image/png");
    expect(input.headers.get("x-content-type-options")).toBe("nosniff");
    // The type is part of the signature: asking for text/html with the same link is refused.
    const asHtml = new URL(job.variations[0]?.url ?? "");
    asHtml.searchParams.set("response-content-type", "text/html");
    expect((await fetch(asHtml)).status).toBe(403);
    // API answers are never sniffed either.
    const api = await alice.request(`/api/jobs/${job.id}`);
    expect(api.headers.get("x-content-type-options")).toBe("nosniff");
    expect(api.headers.get("content-type")).toMatch(/^application\/json/);
  });
});
