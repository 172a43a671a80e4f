/**
 * Issue 11, point 2: the long poll must fit CloudFront. The local front enforces the `/api/*`
 * route's origin read timeout (by default the contract's EDGE_READ_TIMEOUT_SECONDS, the value infra
 * gives the route) and answers 504 past it, as CloudFront does. Here the timeout is shortened so a
 * held request passes it quickly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser } from "../src/client.ts";
import type { Stack } from "../src/stack.ts";
import { modellessStack, NEW_UPLOAD } from "./helpers.ts";

describe("2. the long poll fits the edge's origin read timeout", () => {
  let stack: Stack;
  let browser: Browser;
  let jobId: string;

  beforeAll(async () => {
    // No worker: the job stays queued, so a long poll holds for its whole wait.
    stack = await modellessStack("edge-timeout", { edgeReadTimeoutMs: 1_000 });
    browser = new Browser(stack.url);
    // The API's first invocations are its cold start (its own thread, as a Lambda's): they may
    // take longer than this short timeout on a busy machine, so warm it up first.
    for (let i = 0; i < 10; i++) {
      if ((await browser.request("/api/health")).status === 200) break;
    }
    const created = await browser.createJob(NEW_UPLOAD);
    expect(created.status).toBe(201);
    jobId = created.body.job.id;
  });
  afterAll(async () => stack?.close());

  it("2. a request held past the origin read timeout gets 504 at the edge", async () => {
    const res = await browser.json<{ error: { code: string; message: string } }>(
      `/api/jobs/${jobId}?wait=3`,
    );
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe("GatewayTimeout");
    expect(res.body.error.message).toMatch(/1 s origin read timeout/);
  });

  it("2. a request answered within the timeout passes the edge unchanged", async () => {
    const short = await browser.json<{ id: string; status: string }>(`/api/jobs/${jobId}?wait=0`);
    expect(short.status).toBe(200);
    expect(short.body).toMatchObject({ id: jobId, status: "queued" });
  });
});
