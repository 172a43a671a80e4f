import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { serverForSuite } from "../../test/helpers.ts";
import { EventSource } from "./event-source.ts";
import { LocalQueue, type QueueOptions } from "./queue.ts";
import { startSqsApi } from "./sqs-api.ts";

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** A queue that keeps its messages for an hour. */
const hourQueue = (
  name: string,
  visibilityTimeoutSeconds: number,
  options: Partial<QueueOptions> = {},
) => new LocalQueue({ name, visibilityTimeoutSeconds, retentionSeconds: 3600, ...options });

describe("LocalQueue", () => {
  it("hides a received message for the visibility timeout, then delivers it again", () => {
    const c = clock();
    const q = hourQueue("q", 30, { now: c.now });
    q.send("hello");
    const [first] = q.receive(10);
    expect(first?.receiveCount).toBe(1);
    expect(q.receive(10)).toHaveLength(0);
    c.advance(29_000);
    expect(q.receive(10)).toHaveLength(0);
    c.advance(2_000);
    const [again] = q.receive(10);
    expect(again?.messageId).toBe(first?.messageId);
    expect(again?.receiveCount).toBe(2);
  });

  it("ignores a stale receipt handle, as SQS does after the message was received again", () => {
    const c = clock();
    const q = hourQueue("q", 1, { now: c.now });
    q.send("x");
    const [first] = q.receive(1);
    c.advance(1_500);
    const [second] = q.receive(1);
    expect(q.delete(first?.receiptHandle ?? "")).toBe(false);
    expect(q.delete(second?.receiptHandle ?? "")).toBe(true);
    expect(q.stats().total).toBe(0);
  });

  it("moves a message to the dead-letter queue after maxReceiveCount deliveries", () => {
    const c = clock();
    const dlq = hourQueue("dlq", 1, { now: c.now });
    const q = hourQueue("q", 1, { deadLetter: { queue: dlq, maxReceiveCount: 3 }, now: c.now });
    q.send("poison");
    for (let i = 1; i <= 3; i++) {
      expect(q.receive(1)[0]?.receiveCount).toBe(i);
      c.advance(1_001);
    }
    expect(q.receive(1)).toHaveLength(0);
    expect(q.stats().total).toBe(0);
    const [dead] = dlq.receive(1);
    expect(dead?.body).toBe("poison");
  });

  it("keeps its messages across a restart", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "artai-queue-")), "q.json");
    const q = hourQueue("q", 30, { file });
    q.send("survives");
    await q.flush();
    const reopened = hourQueue("q", 30, { file });
    expect(reopened.receive(1)[0]?.body).toBe("survives");
  });
});

describe("SQS API", () => {
  const q = hourQueue("jobs", 30);
  const local = serverForSuite(
    () => startSqsApi({ queues: [q] }),
    (config) => new SQSClient(config),
  );

  it("serves the SDK's SendMessage, ReceiveMessage, ChangeMessageVisibility and DeleteMessage", async () => {
    const QueueUrl = local.server.queueUrl("jobs");
    const sent = await local.client.send(
      new SendMessageCommand({ QueueUrl, MessageBody: '{"a":1}' }),
    );
    expect(sent.MessageId).toBeTruthy();
    const received = await local.client.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }),
    );
    const message = received.Messages?.[0];
    expect(message?.Body).toBe('{"a":1}');
    const attrs = await local.client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }),
    );
    expect(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible).toBe("1");
    await local.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl,
        ReceiptHandle: message?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const again = await local.client.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount ?? "2").toBe("2");
    await local.client.send(
      new DeleteMessageCommand({ QueueUrl, ReceiptHandle: again.Messages?.[0]?.ReceiptHandle }),
    );
    expect(q.stats().total).toBe(0);
  });

  it("answers QueueDoesNotExist for an unknown queue", async () => {
    await expect(
      local.client.send(
        new SendMessageCommand({ QueueUrl: local.server.queueUrl("nope"), MessageBody: "x" }),
      ),
    ).rejects.toMatchObject({ name: "QueueDoesNotExist" });
  });
});

describe("EventSource", () => {
  it("deletes the records a batch handled and keeps only those it reported as failed", async () => {
    const q = hourQueue("q", 60);
    for (const body of ["ok-1", "bad", "ok-2"]) q.send(body);
    const seen: SQSEvent[] = [];
    const source = new EventSource({
      queue: q,
      queueArn: "arn:aws:sqs:us-east-1:000000000000:q",
      region: "us-east-1",
      batchSize: 10,
      concurrency: 1,
      handler: async (event) => {
        seen.push(event);
        return {
          batchItemFailures: event.Records.filter((r) => r.body === "bad").map((r) => ({
            itemIdentifier: r.messageId,
          })),
        };
      },
    });
    source.start();
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 20));
    await source.stop();
    expect(seen[0]?.Records.map((r) => r.body)).toEqual(["ok-1", "bad", "ok-2"]);
    expect(seen[0]?.Records[0]?.attributes.ApproximateReceiveCount).toBe("1");
    expect(q.list().map((m) => m.body)).toEqual(["bad"]);
  });

  it("keeps the whole batch when the handler throws", async () => {
    const q = hourQueue("q", 60);
    q.send("a");
    q.send("b");
    let calls = 0;
    const source = new EventSource({
      queue: q,
      queueArn: "arn",
      region: "us-east-1",
      batchSize: 10,
      concurrency: 1,
      handler: async () => {
        calls++;
        throw new Error("boom");
      },
    });
    source.start();
    while (calls === 0) await new Promise((r) => setTimeout(r, 20));
    await source.stop();
    expect(q.stats().total).toBe(2);
    expect(q.stats().inFlight).toBe(2);
  });
});
