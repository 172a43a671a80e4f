/**
 * Feeds a queue to a Lambda handler the way Lambda's SQS event source mapping does: batches of up
 * to `batchSize`, up to `concurrency` invocations at once, and with ReportBatchItemFailures only
 * the failed records stay on the queue (the handler may have changed their visibility for backoff).
 * A handler that throws fails the whole batch.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { LocalQueue, QueueMessage } from "./queue.ts";

export interface EventSourceOptions {
  queue: LocalQueue;
  queueArn: string;
  region: string;
  batchSize: number;
  concurrency: number;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  onError?: (error: unknown) => void;
}

export function toRecord(message: QueueMessage, arn: string, region: string): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle ?? "",
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: "artai-local",
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
    },
    messageAttributes: {},
    md5OfBody: message.md5OfBody,
    eventSource: "aws:sqs",
    eventSourceARN: arn,
    awsRegion: region,
  };
}

export class EventSource {
  private running = false;
  private active = 0;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: EventSourceOptions) {}

  start() {
    if (this.running) return;
    this.running = true;
    for (let i = 0; i < this.options.concurrency; i++) this.loops.push(this.loop());
  }

  /** Stops polling and waits for the invocations in progress to finish. */
  async stop() {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** Invocations running now. */
  get busy() {
    return this.active;
  }

  private async loop() {
    const { queue } = this.options;
    while (this.running) {
      const messages = queue.receive(this.options.batchSize);
      if (messages.length === 0) {
        await queue.waitForMessage(250);
        continue;
      }
      this.active++;
      try {
        await this.invoke(messages);
      } finally {
        this.active--;
      }
    }
  }

  private async invoke(messages: QueueMessage[]) {
    const { queue, queueArn, region } = this.options;
    const records = messages.map((m) => toRecord(m, queueArn, region));
    let failed: Set<string>;
    try {
      const response = await this.options.handler({ Records: records });
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      this.options.onError?.(error);
      failed = new Set(records.map((r) => r.messageId));
    }
    for (const record of records) {
      if (!failed.has(record.messageId)) queue.delete(record.receiptHandle);
    }
  }
}
