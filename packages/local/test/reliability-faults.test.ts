/**
 * Issue 6, point 10: the model is down, slow past its budget, or answering 5xx. The faults are
 * made with the real components where they can be: the model container is stopped; the SageMaker
 * front is given a budget shorter than one real inference; the real model, run with one worker
 * and no wait queue, answers `503 Busy` to whatever arrives while it is working. The real model
 * cannot be made to fail every request, so for "500 on every delivery" one test points the front
 * at a fault injector: a few lines of HTTP that answer every invocation with the container
 * contract's `500 {code:"InternalError"}`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { MAX_RECEIVE_COUNT } from "@artai/core/contract";
import * as Job from "@artai/core/job";
import * as Pipeline from "@artai/core/pipeline";
import { describe, expect, it } from "vitest";
import {
  finished,
  modelCalls,
  ownedStackForSuite,
  queueDrained,
  submit,
  versions,
  waitFor,
} from "./reliability-helpers.ts";

// A short backoff base so five deliveries take seconds, not the production 10 s, 20 s, 40 s…
// (delays are whole seconds, as SQS visibility is: 0, 1, 1, 2, then 4 before the DLQ).
process.env.ARTAI_RETRY_BASE_SECONDS = "0.25";

const owned = ownedStackForSuite("reliability-faults", {
  modelEnv: { ARTAI_MODEL_WORKERS: "1", ARTAI_MODEL_QUEUE: "0" },
});

const deadLettered = (id: string) =>
  waitFor(
    `job ${id}'s message in the DLQ`,
    () => owned.stack.queues.dlq.list().find((m) => m.body.includes(`uploads/${id}/input`)),
    40_000,
    200,
  );

/**
 * Submits a job and waits until it has failed with ModelUnavailable and its message is in the
 * DLQ. `calls()` gives the model calls made since the job was submitted.
 */
async function failsToDeadLetter() {
  const from = modelCalls(owned.stack);
  const id = await submit(owned.client, owned.image, "image/png");
  const job = await finished(owned.client, id, 40_000);
  expect(job.status).toBe("failed");
  expect(job.error?.code).toBe("ModelUnavailable");
  await deadLettered(id);
  return { id, job, calls: () => owned.stack.modelEndpoint.invocations().slice(from) };
}

/** The gaps between this job's deliveries to the model, in seconds. */
const gaps = (calls: { at: number }[]) =>
  calls.slice(1).map((c, i) => (c.at - (calls[i]?.at ?? 0)) / 1000);

describe("10. the model is down, slow or failing", () => {
  it("down: retried with growing backoff, then dead-lettered with the job failed and a reason", async () => {
    await owned.stack.stopModel();
    const { id, job, calls: made } = await failsToDeadLetter();
    expect(job.error?.message).toMatch(/did not answer/);
    await queueDrained(owned.stack);

    const calls = made();
    expect(calls).toHaveLength(5); // maxReceiveCount deliveries, each one model call
    expect(calls.every((c) => c.status === 0)).toBe(true);
    const waits = gaps(calls);
    // The backoff grows: about 0, 1, 1 and 2 s between the five deliveries.
    expect(waits[3]).toBeGreaterThan(1.5);
    expect(waits[3]).toBeGreaterThan((waits[0] ?? 0) + 1);
    expect(await Job.get(id)).toMatchObject({ status: "failed", attempts: 5 });
    await owned.stack.startModel();
  });

  it("slow past its budget: each call times out, then dead-lettered with the job failed", async () => {
    // One real inference takes far longer than 5 ms, so every call overruns the budget.
    owned.stack.modelEndpoint.setTimeoutMs(5);
    try {
      const { id, calls: made } = await failsToDeadLetter();
      const calls = made();
      expect(calls).toHaveLength(5);
      expect(calls.every((c) => c.status !== 200)).toBe(true);
      expect(await versions(owned.stack, "outputs", `outputs/${id}/`)).toEqual({
        versions: [],
        deleteMarkers: 0,
      });
    } finally {
      owned.stack.modelEndpoint.setTimeoutMs(60_000);
    }
  });

  it("500 on every call: retried with backoff, then dead-lettered with the job failed", async () => {
    const injector = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            code: "InternalError",
            message: "the model failed to process the request",
          }),
        );
      });
    });
    await new Promise<void>((r) => injector.listen(0, "127.0.0.1", r));
    owned.stack.modelEndpoint.setModelUrl(
      `http://127.0.0.1:${(injector.address() as AddressInfo).port}`,
    );
    try {
      const calls = (await failsToDeadLetter()).calls();
      expect(calls.map((c) => c.status)).toEqual([500, 500, 500, 500, 500]);
      expect(gaps(calls)[3]).toBeGreaterThan(1.5);
    } finally {
      owned.stack.modelEndpoint.setModelUrl(undefined);
      injector.close();
    }
  });

  it("503 Busy from an overloaded model: retried with backoff until every job succeeds", async () => {
    await queueDrained(owned.stack);
    // Let the model finish the work the previous test abandoned.
    await new Promise((r) => setTimeout(r, 1500));
    await owned.stack.eventSource.stop();
    const from = modelCalls(owned.stack);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push(await submit(owned.client, owned.image, "image/png", { seed: i }));
    owned.stack.eventSource.start(); // four pollers, one model worker: three calls find it busy
    const jobs = await Promise.all(ids.map((id) => finished(owned.client, id, 45_000)));
    expect(jobs.map((j) => j.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
    const calls = owned.stack.modelEndpoint.invocations().slice(from);
    expect(calls.filter((c) => c.status === 503).length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.status === 200)).toHaveLength(4);
    for (const id of ids) {
      expect((await versions(owned.stack, "outputs", `outputs/${id}/`)).versions).toHaveLength(1);
    }
    await queueDrained(owned.stack);
  });

  it("a job stuck in processing past its lease is re-driven by the sweeper, or failed after the last attempt", async () => {
    await owned.stack.eventSource.stop();
    const from = modelCalls(owned.stack);
    // Two workers that died mid-job: each received its message (now invisible for the 12-minute
    // visibility timeout) and claimed its job, then vanished.
    const retry = await submit(owned.client, owned.image, "image/png");
    const last = await submit(owned.client, owned.image, "image/png");
    const held = owned.stack.queues.jobs.receive(10);
    expect(held).toHaveLength(2);
    expect(await Job.claim(retry, { leaseMs: Pipeline.LEASE_MS })).toBeDefined();
    for (let attempt = 0; attempt < MAX_RECEIVE_COUNT; attempt++) {
      // Each lease had run out, so the next delivery could claim it again.
      const claimed = await Job.claim(last, { leaseMs: -1000 });
      expect(claimed).toBeDefined();
    }
    owned.stack.eventSource.start();

    // Before the lease and its grace have run out, the sweeper leaves both alone…
    expect(await Pipeline.sweep()).toEqual({ expired: 0, redriven: 0, failed: 0 });
    // …and when it runs after them (as the scheduled sweeper would, minutes later) it acts.
    const later = Date.now() + Pipeline.LEASE_MS + Pipeline.SWEEP_GRACE_MS + 1000;
    expect(await Pipeline.sweep(later)).toEqual({ expired: 0, redriven: 1, failed: 1 });

    const redriven = await finished(owned.client, retry);
    expect(redriven.status).toBe("succeeded");
    const failed = await finished(owned.client, last);
    expect(failed.status).toBe("failed");
    expect(failed.error?.code).toBe("ModelUnavailable");
    expect(modelCalls(owned.stack) - from).toBe(1);

    // When the dead workers' messages come back, both jobs are finished: acknowledged, no work.
    for (const m of held) owned.stack.queues.jobs.changeVisibility(m.receiptHandle ?? "", 0);
    await queueDrained(owned.stack);
    expect(modelCalls(owned.stack) - from).toBe(1);
  });

  it("an upload whose notification was lost is re-driven by the sweeper; a job whose owned.image never came expires", async () => {
    await owned.stack.eventSource.stop();
    const lost = await submit(owned.client, owned.image, "image/png");
    const never = await owned.client.createJob({
      contentType: "image/png",
      size: owned.image.length,
      variations: 1,
    });
    expect(never.status).toBe(201);
    // The notification for the upload never reaches the worker.
    for (const m of owned.stack.queues.jobs.receive(10))
      owned.stack.queues.jobs.delete(m.receiptHandle ?? "");
    const from = modelCalls(owned.stack);

    // The sweeper's first run after the upload links (15 minutes) and its grace have run out.
    // (The worker waits until it is done: at that pretended time, a lease taken now would look old.)
    const later = Date.now() + 15 * 60_000 + Pipeline.SWEEP_GRACE_MS + 1000;
    const counts = await Pipeline.sweep(later);
    expect(counts.redriven).toBe(1);
    expect(counts.expired).toBeGreaterThanOrEqual(1);
    owned.stack.eventSource.start();

    expect((await finished(owned.client, lost)).status).toBe("succeeded");
    const expired = await finished(owned.client, never.body.job.id);
    expect(expired.status).toBe("failed");
    expect(expired.error?.code).toBe("UploadExpired");
    expect(modelCalls(owned.stack) - from).toBe(1);
    await queueDrained(owned.stack);
  });
});
