/**
 * The sweeper: the pipeline's safety net for jobs that can no longer finish on their own, run on
 * a schedule (infra/sweeper.ts).
 */
import { type ErrorCode, MAX_RECEIVE_COUNT } from "../contract/index.ts";
import * as Job from "../job/index.ts";
import * as Metrics from "../metrics/index.ts";
import * as Queue from "../queue/index.ts";
import * as Storage from "../storage/index.ts";

/** How long past its upload deadline or lease a job may sit before the sweeper acts. */
export const SWEEP_GRACE_MS = 60_000;

/**
 * Finds jobs that can no longer finish on their own and ends them: uploads that never came fail
 * as `UploadExpired`; work whose delivery died is re-driven, or failed after the last attempt.
 */
export async function sweep(
  now = Date.now(),
): Promise<{ expired: number; redriven: number; failed: number }> {
  const counts = { expired: 0, redriven: 0, failed: 0 };
  const before = new Date(now - SWEEP_GRACE_MS).toISOString();
  for (const job of await Job.listStale("queued", before)) {
    if (job.uploadExpiresAt + SWEEP_GRACE_MS >= now || job.startedAt) continue;
    // The upload link has expired and no delivery ever started the job: either the image never
    // came, or its notification was lost.
    if (await Storage.exists(Storage.buckets().uploads, job.inputKey)) {
      await Queue.redrive({ bucket: Storage.buckets().uploads, key: job.inputKey });
      counts.redriven++;
      continue;
    }
    const expired = await failStale(job, now, {
      code: "UploadExpired",
      message: "The image never arrived before the upload link expired. Please upload it again.",
    });
    if (expired) counts.expired++;
  }
  for (const job of await Job.listStale("processing", before)) {
    if ((job.leaseUntil ?? 0) + SWEEP_GRACE_MS >= now) continue;
    if ((job.attempts ?? 0) >= MAX_RECEIVE_COUNT) {
      const failed = await failStale(job, now, {
        code: "ModelUnavailable",
        message: "The image model did not answer in time after several tries. Please try again.",
      });
      if (failed) counts.failed++;
    } else if (await Job.release(job.id)) {
      await Queue.redrive({
        bucket: Storage.buckets().uploads,
        key: job.inputKey,
        versionId: job.inputVersionId,
      });
      counts.redriven++;
    }
  }
  return counts;
}

/**
 * Fails a job the sweeper found stuck, and counts it as finished. False when the job moved on
 * meanwhile (the conditional write did not apply), so nothing is counted twice.
 */
async function failStale(
  job: Job.JobItem,
  now: number,
  error: { code: ErrorCode; message: string },
): Promise<boolean> {
  if (!(await Job.fail(job.id, error))) return false;
  Metrics.jobFinished("failed", job, now);
  return true;
}
