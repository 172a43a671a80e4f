/** The production program (production.ts): infra/queue.ts and infra/worker.ts: the jobs queue, its DLQ and the worker. */
import { expect, test } from "vitest";
import {
  DLQ_RETENTION_SECONDS,
  MAX_RECEIVE_COUNT,
  UPLOAD_PREFIX,
} from "../../packages/core/src/contract/index.ts";
import type { Json } from "./json.ts";
import { describeProduction, KEY, run, S3 } from "./production.ts";

describeProduction("5. queue", () => {
  test("5. jobs queue: DLQ after 5 receives, DLQ keeps 14 days (longer), visibility >= 6x worker timeout, KMS", () => {
    const queue = run.get("aws:sqs/queue:Queue", "QueueQueue");
    const dlq = run.get("aws:sqs/queue:Queue", "DeadLetterQueueQueue");
    const redrive = JSON.parse(queue.inputs.redrivePolicy);
    expect(redrive).toEqual({
      deadLetterTargetArn: dlq.state.arn,
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
    expect(dlq.inputs.messageRetentionSeconds).toBe(DLQ_RETENTION_SECONDS);
    expect(dlq.inputs.messageRetentionSeconds).toBeGreaterThan(
      queue.inputs.messageRetentionSeconds,
    );
    const workerTimeout = run.lambdaOf("Worker").inputs.timeout;
    expect(workerTimeout).toBeGreaterThan(60);
    expect(queue.inputs.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * workerTimeout);
    const messagingKey = run.arnOf(KEY, "MessagingKey");
    expect(queue.inputs.kmsMasterKeyId).toBe(messagingKey);
    expect(dlq.inputs.kmsMasterKeyId).toBe(messagingKey);
  });

  test("5. S3 ObjectCreated events under uploads/ go to the queue (which S3 may use the key for)", () => {
    const [notification] = run.ofType("aws:s3/bucketNotification:BucketNotification");
    const queue = run.get("aws:sqs/queue:Queue", "QueueQueue");
    expect(notification?.inputs.bucket).toBe(run.get(S3, "UploadsBucket").state.bucket);
    expect(notification?.inputs.queues).toEqual([
      expect.objectContaining({
        queueArn: queue.state.arn,
        events: ["s3:ObjectCreated:*"],
        filterPrefix: UPLOAD_PREFIX,
      }),
    ]);
    const [queuePolicy] = run.ofType("aws:sqs/queuePolicy:QueuePolicy");
    expect(queuePolicy?.inputs.queueUrl).toBe(queue.state.url);
    const keyPolicy = JSON.parse(run.get(KEY, "MessagingKey").inputs.policy);
    const services = keyPolicy.Statement.flatMap((s: Json) => s.Principal?.Service ?? []);
    expect(services).toContain("s3.amazonaws.com");
  });

  test("5. the worker subscribes with partial batch responses", () => {
    const queueArn = run.get("aws:sqs/queue:Queue", "QueueQueue").state.arn;
    const [mapping, ...others] = run.find(
      "aws:lambda/eventSourceMapping:EventSourceMapping",
      (m) => m.inputs.eventSourceArn === queueArn,
    );
    expect(others).toEqual([]);
    expect(mapping?.inputs).toMatchObject({
      eventSourceArn: queueArn,
      functionName: run.lambdaOf("Worker").state.arn,
      functionResponseTypes: ["ReportBatchItemFailures"],
    });
    expect(mapping?.inputs.scalingConfig.maximumConcurrency).toBeGreaterThanOrEqual(2);
  });
});
