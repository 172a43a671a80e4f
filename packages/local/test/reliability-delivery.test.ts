/**
 * Issue 6, points 6–9: S3 and SQS deliver at least once, so the worker must be idempotent.
 * Model calls are counted where SageMaker's `Invocations` metric counts them (the local SageMaker
 * front), and sets of outputs by the object versions in the versioned Outputs bucket: a second
 * set would leave a second version of each key.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import type { SQSEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { toRecord } from "../src/queue/event-source.ts";
import type { QueueMessage } from "../src/queue/queue.ts";
import { NAMES, REGION } from "../src/stack.ts";
import {
  finished,
  modelCalls,
  ownedStackForSuite,
  queueDrained,
  s3Client,
  submit,
  versions,
} from "./reliability-helpers.ts";

// Retries come back at once instead of after 10 s (the production backoff base).
process.env.ARTAI_RETRY_BASE_SECONDS = "0.1";

const owned = ownedStackForSuite("reliability-delivery");

/**
 * Uploads a new job's image while the event source is paused and takes the S3 notification off
 * the queue, so the test decides how (and how often) it is delivered.
 */
async function uploadHeld(variations = 2): Promise<{ id: string; body: string }> {
  await owned.stack.eventSource.stop();
  const id = await submit(owned.client, owned.image, "image/png", { variations });
  const messages = owned.stack.queues.jobs.receive(10);
  for (const m of messages) owned.stack.queues.jobs.delete(m.receiptHandle ?? "");
  const mine = messages.filter((m) => m.body.includes(id));
  expect(mine).toHaveLength(1);
  return { id, body: (mine[0] as QueueMessage).body };
}

const updatedAt = (job: unknown) => (job as { updatedAt: string }).updatedAt;

const outputVersions = async (id: string) =>
  (await versions(owned.stack, "outputs", `outputs/${id}/`)).versions;

describe("6. duplicate and late S3 events", () => {
  it("the same event delivered twice in a row: one model call, one set of outputs", async () => {
    const { id, body } = await uploadHeld();
    const before = modelCalls(owned.stack);
    owned.stack.queues.jobs.send(body);
    owned.stack.eventSource.start();
    expect((await finished(owned.client, id)).status).toBe("succeeded");
    await queueDrained(owned.stack);
    owned.stack.queues.jobs.send(body);
    await queueDrained(owned.stack);
    expect(modelCalls(owned.stack) - before).toBe(1);
    expect(await outputVersions(id)).toHaveLength(2);
    const job = await finished(owned.client, id);
    expect(job.variations).toHaveLength(2);
  });

  it("three copies of one event at once: one model call, one set of outputs", async () => {
    const { id, body } = await uploadHeld();
    const before = modelCalls(owned.stack);
    for (let i = 0; i < 3; i++) owned.stack.queues.jobs.send(body);
    owned.stack.eventSource.start(); // four pollers: the three copies are in flight together
    expect((await finished(owned.client, id)).status).toBe("succeeded");
    await queueDrained(owned.stack);
    expect(modelCalls(owned.stack) - before).toBe(1);
    expect(await outputVersions(id)).toHaveLength(2);
    expect(owned.stack.queues.dlq.stats().total).toBe(0);
  });

  it("an older sequencer for a key already processed changes nothing", async () => {
    const { id, body } = await uploadHeld(1);
    owned.stack.queues.jobs.send(body);
    owned.stack.eventSource.start();
    const done = await finished(owned.client, id);
    expect(done.status).toBe("succeeded");
    await queueDrained(owned.stack);
    const before = modelCalls(owned.stack);
    const event = JSON.parse(body) as { Records: { s3: { object: { sequencer: string } } }[] };
    const record = event.Records[0];
    if (!record) throw new Error("no record");
    expect(record.s3.object.sequencer).toMatch(/^[0-9A-F]+$/);
    record.s3.object.sequencer = "0".repeat(record.s3.object.sequencer.length);
    owned.stack.queues.jobs.send(JSON.stringify(event));
    await queueDrained(owned.stack);
    expect(modelCalls(owned.stack)).toBe(before);
    expect(await outputVersions(id)).toHaveLength(1);
    const after = await finished(owned.client, id);
    expect(updatedAt(after)).toBe(updatedAt(done));
  });
});

describe("7. keys are URL-decoded", () => {
  it("an upload key with spaces, + and non-ASCII arrives encoded and decodes to the exact key; the worker leaves objects it did not hand out alone", async () => {
    await owned.stack.eventSource.stop();
    const key = "uploads/a photo+1 – Zürich 東京/input";
    await s3Client(owned.stack).send(
      new PutObjectCommand({
        Bucket: NAMES.uploads,
        Key: key,
        Body: owned.image,
        ContentType: "image/png",
      }),
    );
    const [message] = owned.stack.queues.jobs.list().filter((m) => m.body.includes("uploads/a"));
    if (!message) throw new Error("no event for the upload");
    const eventKey = (
      JSON.parse(message.body) as { Records: { s3: { object: { key: string } } }[] }
    ).Records[0]?.s3.object.key;
    expect(eventKey).toBe("uploads/a+photo%2B1+%E2%80%93+Z%C3%BCrich+%E6%9D%B1%E4%BA%AC/input");
    const { decodeEventKey } = await import("@artai/core/storage");
    expect(decodeEventKey(eventKey ?? "")).toBe(key);

    const before = modelCalls(owned.stack);
    owned.stack.eventSource.start();
    await queueDrained(owned.stack);
    expect(modelCalls(owned.stack)).toBe(before);
    expect(owned.stack.queues.dlq.stats().total).toBe(0);
  });

  it("a job's own key, percent-encoded character by character, is decoded and processed", async () => {
    const { id, body } = await uploadHeld(1);
    const event = JSON.parse(body) as { Records: { s3: { object: { key: string } } }[] };
    const record = event.Records[0];
    if (!record) throw new Error("no record");
    const encoded = [...record.s3.object.key]
      .map((c) =>
        c === "/" ? c : `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
      )
      .join("");
    expect(encoded).not.toContain(id);
    record.s3.object.key = encoded;
    owned.stack.queues.jobs.send(JSON.stringify(event));
    owned.stack.eventSource.start();
    const job = await finished(owned.client, id);
    expect(job.status).toBe("succeeded");
    expect(job.variations).toHaveLength(1);
  });
});

describe("8. s3:TestEvent", () => {
  it("is acknowledged with no side effects", async () => {
    await queueDrained(owned.stack);
    const before = modelCalls(owned.stack);
    const jobsBefore = (
      await owned.client.json<{ jobs: { id: string; updatedAt: string }[] }>("/api/jobs")
    ).body.jobs;
    owned.stack.queues.jobs.send(
      JSON.stringify({
        Service: "Amazon S3",
        Event: "s3:TestEvent",
        Time: new Date().toISOString(),
        Bucket: NAMES.uploads,
        RequestId: "0123456789ABCDEF",
        HostId: "artai-local",
      }),
    );
    await queueDrained(owned.stack);
    expect(modelCalls(owned.stack)).toBe(before);
    expect(owned.stack.queues.dlq.stats().total).toBe(0);
    const jobsAfter = (
      await owned.client.json<{ jobs: { id: string; updatedAt: string }[] }>("/api/jobs")
    ).body.jobs;
    // Image links are signed afresh on every read, so compare what a side effect would change.
    const state = (jobs: { id: string; updatedAt: string; status?: string }[]) =>
      jobs.map(({ id, updatedAt, status }) => ({ id, updatedAt, status }));
    expect(state(jobsAfter)).toEqual(state(jobsBefore));
  });
});

describe("9. partial batch response", () => {
  it("a batch with one bad record reports only that record's messageId", async () => {
    const { id, body } = await uploadHeld(1);
    const { handler } = await import("@artai/functions/worker");
    const arn = `arn:aws:sqs:${REGION}:000000000000:${NAMES.queue}`;
    // Real messages on the real queue, received as the event source mapping would receive them.
    const good = owned.stack.queues.jobs.send(body);
    const bad = owned.stack.queues.jobs.send("{ this is not an S3 notification");
    const test = owned.stack.queues.jobs.send(
      JSON.stringify({ Service: "Amazon S3", Event: "s3:TestEvent" }),
    );
    const received = owned.stack.queues.jobs.receive(10);
    expect(received.map((m) => m.messageId).sort()).toEqual(
      [good.messageId, bad.messageId, test.messageId].sort(),
    );
    const event: SQSEvent = { Records: received.map((m) => toRecord(m, arn, REGION)) };
    const before = modelCalls(owned.stack);

    const response = await handler(event);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    expect(modelCalls(owned.stack) - before).toBe(1);
    expect((await finished(owned.client, id)).status).toBe("succeeded");
    // The bad record is retried (and, still bad after five deliveries, dead-lettered).
    for (const m of received)
      if (m.messageId !== bad.messageId) owned.stack.queues.jobs.delete(m.receiptHandle ?? "");
    owned.stack.eventSource.start();
    await waitForDeadLetter(bad.messageId);
    await queueDrained(owned.stack);
    expect(owned.stack.queues.dlq.list().map((m) => m.messageId)).toEqual([bad.messageId]);
  });
});

async function waitForDeadLetter(messageId: string) {
  const deadline = Date.now() + 30_000;
  while (!owned.stack.queues.dlq.list().some((m) => m.messageId === messageId)) {
    if (Date.now() > deadline) throw new Error("the bad record never reached the DLQ");
    await new Promise((r) => setTimeout(r, 200));
  }
}
