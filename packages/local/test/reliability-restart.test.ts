import { readFileSync } from "node:fs";
import * as Pipeline from "@artai/core/pipeline";
import { PHOTOS, photo } from "@artai/test-images";
import { afterAll, describe, expect, it } from "vitest";
import { Browser } from "../src/client.ts";
import { serveInProcess } from "../src/serve-process.ts";
import type { Stack } from "../src/stack.ts";
import { quietStack, tempDir } from "./helpers.ts";
import {
  finished,
  jobOf,
  modelCalls,
  queueDrained,
  submit,
  versions,
  waitFor,
} from "./reliability-helpers.ts";

process.env.ARTAI_RETRY_BASE_SECONDS = "0.5";

const largePhoto = readFileSync(PHOTOS.tissueSample);

/** The stack in its own process, so one SIGKILL takes it and its model container down. */
async function spawnStack(dataDir: string) {
  const { info, child } = await serveInProcess(dataDir, { stderr: "ignore" });
  return { url: info.url, child };
}

let stack: Stack | undefined;
afterAll(async () => stack?.close());

describe("11–12. crashes and restarts", () => {
  const dataDir = tempDir("reliability-restart");
  let client: Browser;

  it("11. the stack killed mid-job and restarted: the job completes once, nothing orphaned, nothing lost", async () => {
    const first = await spawnStack(dataDir);
    client = new Browser(first.url);
    const id = await submit(client, largePhoto, "image/jpeg", { variations: 4, seed: 11 });
    // Wait until the worker holds the job (the model is at work on it), then kill everything.
    const processing = await waitFor(
      "the job to be processing",
      async () => ((await jobOf(client, id))?.status === "processing" ? true : undefined),
      30_000,
      50,
    );
    expect(processing).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    process.kill(-(first.child.pid ?? 0), "SIGKILL");
    await new Promise((r) => first.child.once("exit", r));

    stack = await quietStack("unused", { dataDir });
    const owner = client.cookie;
    client = new Browser(stack.url);
    client.cookie = owner;
    const after = await jobOf(client, id);
    expect(after?.status).toBe("processing");
    // The killed worker's message is in flight (invisible for the 12-minute visibility timeout)
    // and the job's lease has two minutes to run: nothing moves until the sweeper runs. It runs
    // every minute; here it is run at the time of its first run after the lease has run out.
    const held = stack.queues.jobs.list();
    expect(held).toHaveLength(1);
    const later = Date.now() + Pipeline.LEASE_MS + Pipeline.SWEEP_GRACE_MS + 1000;
    expect(await Pipeline.sweep(later)).toMatchObject({ redriven: 1 });

    const job = await finished(client, id, 60_000);
    expect(job.status).toBe("succeeded");
    expect(job.variations).toHaveLength(4);
    expect(modelCalls(stack)).toBe(1);

    // No orphans: the latest version of every output object is one the job lists.
    const outputs = await versions(stack, "outputs", `outputs/${id}/`);
    const latest = outputs.versions
      .filter((v) => v.latest)
      .map((v) => v.key)
      .sort();
    expect(latest).toEqual(
      job.variations.map((v) => new URL(v.url).pathname.split("/").slice(2).join("/")).sort(),
    );
    expect(outputs.deleteMarkers).toBe(0);
    // Nothing lost: the upload is intact.
    const input = await fetch(job.input?.url ?? "");
    expect(Buffer.from(await input.arrayBuffer()).equals(largePhoto)).toBe(true);

    // When the killed worker's message comes back, the job is done: acknowledged without work.
    for (const m of held) stack.queues.jobs.changeVisibility(m.receiptHandle ?? "", 0);
    await queueDrained(stack);
    expect(modelCalls(stack)).toBe(1);
    expect(stack.queues.dlq.stats().total).toBe(0);
  }, 120_000); // two cold starts of the stack, each with its four functions' threads

  it("12. DynamoDB and then S3 restart while jobs are processed: the work is retried and every job ends succeeded with one current set of outputs", async () => {
    if (!stack) throw new Error("no stack");
    const s = stack;
    const image = await photo(96, 96, "jpeg");
    const before = modelCalls(s);
    await s.eventSource.stop();
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await submit(client, image, "image/jpeg", { seed: i }));
    s.eventSource.start();
    await new Promise((r) => setTimeout(r, 300));
    await s.restart("dynamodb", 1000);
    await new Promise((r) => setTimeout(r, 300));
    await s.restart("s3", 1000);

    await queueDrained(s, 60_000);
    // A delivery whose job record could not be written (the table was down between claim and
    // finish) leaves the job under its lease; the sweeper re-drives it when the lease is over.
    const stuck = (await Promise.all(ids.map((id) => jobOf(client, id)))).filter(
      (j) => j?.status !== "succeeded",
    );
    if (stuck.length > 0) {
      await Pipeline.sweep(Date.now() + Pipeline.LEASE_MS + Pipeline.SWEEP_GRACE_MS + 1000);
    }
    const jobs = await Promise.all(ids.map((id) => finished(client, id, 60_000)));
    expect(jobs.map((j) => j.status)).toEqual(ids.map(() => "succeeded"));
    for (const id of ids) {
      const out = await versions(s, "outputs", `outputs/${id}/`);
      expect(out.versions.filter((v) => v.latest)).toHaveLength(1);
      expect((await versions(s, "uploads", `uploads/${id}/`)).versions).toHaveLength(1);
    }
    expect(modelCalls(s) - before).toBeGreaterThanOrEqual(ids.length);
    await queueDrained(s, 30_000);
    expect(s.queues.dlq.stats().total).toBe(0);
    console.log(
      `restart under load: ${ids.length} jobs, ${modelCalls(s) - before} model calls, ${stuck.length} re-driven by the sweeper`,
    );
  });
});
