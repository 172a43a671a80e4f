/**
 * `GET /api/status` on the real local stack, with a real job through the model: the request
 * count from the local CloudWatch endpoint (the same `GetMetricData` call as on AWS), queue
 * depths from the local SQS API, latency percentiles from the Jobs table, and the model's health
 * from the SageMaker endpoint's metrics. Operators only.
 */
import { readFileSync } from "node:fs";
import type { StatusView } from "@artai/core/contract";
import { PHOTOS } from "@artai/test-images";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Browser, upload } from "../src/client.ts";
import { statusTokenFile } from "../src/ops/status-token.ts";
import type { Stack } from "../src/stack.ts";
import { quietStack, tempDir } from "./helpers.ts";

const photo = readFileSync(PHOTOS.tissueSample);

describe("status route", () => {
  const dataDir = tempDir("ops-status");
  let stack: Stack;
  let requests = 0;
  let browser: Browser;
  const call = async <T>(path: string, init?: RequestInit) => {
    requests++;
    return browser.json<T>(path, init);
  };
  const createJob = (body: Record<string, unknown>) =>
    call<{ job: { id: string }; upload: { url: string; fields: Record<string, string> } }>(
      "/api/jobs",
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      },
    );

  beforeAll(async () => {
    delete process.env.ARTAI_STATUS_TOKEN;
    stack = await quietStack("ops-status", { dataDir, ops: { alarmThreshold: 1000 } });
    browser = new Browser(stack.url);
  });
  afterAll(async () => stack?.close());

  it("is for operators only", async () => {
    const none = await call<{ error: { code: string } }>("/api/status");
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("Unauthorized");
    const wrong = await call<{ error: { code: string } }>("/api/status", {
      headers: { authorization: "Bearer not-the-token" },
    });
    expect(wrong.status).toBe(401);
    // The generated token is kept in the data directory (and so survives restarts).
    expect(readFileSync(statusTokenFile(dataDir), "utf8").trim()).toBe(stack.ops.statusToken);
    expect(stack.ops.statusToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("shows requests against the threshold, queues, job latency and model health", async () => {
    // Everything the handlers print while this job runs (each function's thread writes to this
    // process's stdout, as Lambda's functions write to CloudWatch Logs).
    const printed: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk, ...rest) => {
      printed.push(String(chunk));
      return write(chunk as string, ...(rest as []));
    });
    const created = await createJob({
      contentType: "image/jpeg",
      size: photo.length,
      variations: 1,
      seed: 3,
    });
    expect(created.status).toBe(201);
    expect((await upload(created.body.upload, photo, "image/jpeg")).status).toBe(204);
    // Follow the job the way the web app does (every poll is an API request too).
    for (;;) {
      const job = await call<{ status: string }>(`/api/jobs/${created.body.job.id}?wait=20`);
      if (job.body.status === "succeeded" || job.body.status === "failed") {
        expect(job.body.status).toBe("succeeded");
        break;
      }
    }

    // Another thread's lines arrive asynchronously: wait for the worker's last one (its metrics).
    await expect
      .poll(() => printed.join("").includes('"JobsSucceeded"'), { timeout: 5_000 })
      .toBe(true);
    spy.mockRestore();

    // Structured JSON logs: every line on this job's path, API and worker, names the job.
    const lines = printed
      .flatMap((chunk) => chunk.split("\n"))
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const logs = lines.filter((l) => typeof l.level === "string");
    const path = logs.filter((l) =>
      ["job created", "job claimed", "job succeeded"].includes(String(l.message)),
    );
    expect(path.map((l) => l.message)).toEqual(["job created", "job claimed", "job succeeded"]);
    for (const line of path) {
      expect(line.jobId).toBe(created.body.job.id);
      expect(line.service).toBe("artai");
      expect(Date.parse(String(line.timestamp))).toBeGreaterThan(0);
    }
    // Metrics in CloudWatch's embedded format for the same job: created, succeeded, duration.
    const emf = lines.filter((l) => "_aws" in l);
    expect(emf.map((l) => Object.keys(l).filter((k) => /^Job/.test(k)))).toEqual([
      ["JobsCreated"],
      ["JobsSucceeded", "JobDuration"],
    ]);
    expect(Number(emf[1]?.JobDuration)).toBeGreaterThan(0);

    const { status, body } = await call<StatusView>("/api/status", {
      headers: { authorization: `Bearer ${stack.ops.statusToken}` },
    });
    expect(status).toBe(200);
    expect(body.problems).toEqual([]);
    // Every request so far, this one included, as API Gateway's Count would have it.
    expect(body.requests?.last24h).toBe(requests);
    expect(body.requests?.threshold).toBe(1000);
    expect(body.requests?.state).toBe("OK");
    expect(body.requests?.hourly).toHaveLength(24);
    expect(body.requests?.hourly.at(-1)?.count).toBe(requests);
    expect(body.requests?.hourly.reduce((s, h) => s + h.count, 0)).toBe(requests);
    expect(body.breaker).toEqual({ paused: false });
    expect(body.queues).toEqual({
      jobs: { visible: 0, inFlight: 0, delayed: 0 },
      deadLetter: { visible: 0, inFlight: 0, delayed: 0 },
    });
    expect(body.jobs?.succeeded).toBe(1);
    expect(body.jobs?.failed).toBe(0);
    expect(body.jobs?.total?.count).toBe(1);
    expect(body.jobs?.processing?.p50).toBeGreaterThan(0);
    expect(body.jobs?.total?.p99).toBeGreaterThanOrEqual(body.jobs?.processing?.p99 ?? Infinity);
    expect(body.model?.invocations).toBe(1);
    expect(body.model?.errors5xx).toBe(0);
    expect(body.model?.health).toBe("healthy");
    expect(body.model?.latencyMs).toBeGreaterThan(0);
  });

  it("counts a dead model's failures against its health", async () => {
    await stack.stopModel();
    const created = await createJob({
      contentType: "image/jpeg",
      size: photo.length,
      variations: 1,
    });
    expect((await upload(created.body.upload, photo, "image/jpeg")).status).toBe(204);
    const token = { headers: { authorization: `Bearer ${stack.ops.statusToken}` } };
    await expect
      .poll(async () => (await call<StatusView>("/api/status", token)).body.model?.health, {
        timeout: 20_000,
      })
      .toBe("degraded");
    const { body } = await call<StatusView>("/api/status", token);
    expect(body.model?.errors5xx).toBeGreaterThanOrEqual(1);
    expect(body.model?.invocations).toBe(1 + (body.model?.errors5xx ?? 0));
  });
});
