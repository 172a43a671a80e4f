/**
 * The worker's pipeline: S3 notification → claim the job → read and check the upload → the model →
 * store the variations → finish the job. Deliveries are at-least-once, so every step is safe to
 * repeat, and only failures worth retrying go back to the queue.
 */
import {
  DEFAULT_STYLE,
  isStyle,
  MAX_RECEIVE_COUNT,
  MAX_UPLOAD_BYTES,
  WORKER_TIMEOUT_SECONDS,
} from "../contract/index.ts";
import { AppError, ImageTooLarge, Retryable } from "../errors/index.ts";
import * as Image from "../image/index.ts";
import * as Inference from "../inference/index.ts";
import * as Job from "../job/index.ts";
import { type Logger, log } from "../log/index.ts";
import * as Metrics from "../metrics/index.ts";
import * as Queue from "../queue/index.ts";
import * as Storage from "../storage/index.ts";
import { parseMessage, type S3Record } from "./events.ts";

export { parseMessage } from "./events.ts";
export { SWEEP_GRACE_MS, sweep } from "./sweep.ts";

/** A claim lasts as long as one worker run can. */
export const LEASE_MS = WORKER_TIMEOUT_SECONDS * 1000;

export interface QueueRecord {
  messageId: string;
  receiptHandle?: string;
  body: string;
  attributes?: { ApproximateReceiveCount?: string };
}

export interface BatchResult {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * Processes one SQS batch and reports only the records that should be delivered again
 * (a partial batch response), so one bad record never holds back the others.
 */
export async function processBatch(records: QueueRecord[]): Promise<BatchResult> {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of records) {
    // One logger per record: where several batches run in one process, keys
    // appended for one job never reach another job's lines.
    const recordLog = log.createChild();
    recordLog.appendKeys({ messageId: record.messageId });
    try {
      await processRecord(record, recordLog);
    } catch (error) {
      recordLog.error("delivery failed; it will be retried", { error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
      await retryLater(record, recordLog);
    }
  }
  return { batchItemFailures };
}

async function retryLater(record: QueueRecord, log: Logger) {
  if (!record.receiptHandle) return;
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? "1");
  try {
    await Queue.backoff(record.receiptHandle, receiveCount);
  } catch (error) {
    // The message still comes back after the visibility timeout; only the backoff is lost.
    log.warn("could not delay the retry", { error: error as Error });
  }
}

async function processRecord(record: QueueRecord, log: Logger) {
  const message = parseMessage(record.body);
  if (message.kind === "test") {
    log.info("ignoring s3:TestEvent");
    return;
  }
  const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? "1");
  for (const s3 of message.records) {
    if (!s3.eventName.startsWith("ObjectCreated")) continue;
    await processUpload(s3, receiveCount, log);
  }
}

async function processUpload(record: S3Record, receiveCount: number, log: Logger) {
  const key = Storage.decodeEventKey(record.s3.object.key);
  const jobId = Storage.jobIdFromInputKey(key);
  if (!jobId) {
    log.warn("ignoring an object ArtAI did not ask for", { key });
    return;
  }
  log.appendKeys({ jobId });
  const job = await Job.get(jobId);
  if (!job) {
    log.info("job no longer exists; nothing to do");
    return;
  }
  if (Job.isTerminal(job.status)) {
    log.info("job already finished; duplicate or late delivery acknowledged", {
      status: job.status,
    });
    return;
  }
  const claimed = await Job.claim(jobId, {
    leaseMs: LEASE_MS,
    sequencer: record.s3.object.sequencer,
    inputVersionId: record.s3.object.versionId,
  });
  if (!claimed) {
    const now = await Job.get(jobId);
    if (!now || Job.isTerminal(now.status) || receiveCount >= MAX_RECEIVE_COUNT) return;
    throw new Retryable("InFlight", "another delivery is processing this job");
  }
  log.info("job claimed", { attempt: claimed.attempts, receiveCount });

  try {
    const outputs = await run(claimed, record);
    if (await Job.succeed(jobId, outputs)) {
      log.info("job succeeded", { variations: outputs.length });
      Metrics.jobFinished("succeeded", claimed);
    }
  } catch (error) {
    if (error instanceof AppError) {
      log.warn("job failed", { code: error.code, reason: error.message });
      if (await Job.fail(jobId, error.toJSON())) Metrics.jobFinished("failed", claimed);
      return;
    }
    if (receiveCount >= MAX_RECEIVE_COUNT) {
      const reason =
        error instanceof Retryable
          ? { code: error.finalCode, message: error.finalMessage }
          : {
              code: "InternalError",
              message: "Something went wrong on our side. Please try again.",
            };
      log.error("job failed after the last delivery", { ...reason, error: error as Error });
      if (await Job.fail(jobId, reason)) Metrics.jobFinished("failed", claimed);
    } else {
      await Job.release(jobId);
    }
    throw error;
  }
}

async function run(job: Job.JobItem, record: S3Record): Promise<Job.Output[]> {
  const { uploads, outputs } = Storage.buckets();
  if ((record.s3.object.size ?? 0) > MAX_UPLOAD_BYTES) {
    throw new ImageTooLarge();
  }
  let upload: Awaited<ReturnType<typeof Storage.read>>;
  try {
    upload = await Storage.read(uploads, job.inputKey, {
      versionId: record.s3.object.versionId,
      maxBytes: MAX_UPLOAD_BYTES,
    });
  } catch (error) {
    if (error instanceof RangeError) {
      throw new ImageTooLarge();
    }
    if ((error as { name?: string }).name === "NoSuchKey") {
      throw new AppError("UploadMissing", "The uploaded image is no longer there.");
    }
    throw error;
  }
  const prepared = await Image.prepare(upload.body, job.inputContentType);
  const result = await Inference.vary(prepared.png, {
    variations: job.variations,
    strength: job.strength,
    seed: job.seed,
    style: job.style ?? "photo",
  });
  if (result.variations.length !== job.variations) {
    throw new Retryable(
      "ModelUnavailable",
      `The model returned ${result.variations.length} of ${job.variations} variations.`,
    );
  }
  return Promise.all(
    result.variations.map(async (variation) => {
      const key = Storage.outputKey(job.id, variation.index, variation.contentType);
      await Storage.write(outputs, key, variation.data, variation.contentType);
      return {
        index: variation.index,
        key,
        width: variation.width,
        height: variation.height,
        seed: variation.seed,
        contentType: variation.contentType,
        // A mixed-media job's variations each have their own medium; otherwise the job's style.
        style: isStyle(variation.style) ? variation.style : (job.style ?? DEFAULT_STYLE),
      };
    }),
  );
}
