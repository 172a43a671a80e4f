/**
 * A deleted job's promise, kept: its images go from every bucket, and stay gone.
 *
 * `DELETE /api/jobs/{id}` purges every version of the job's images in both buckets and in their
 * replicas at once. Two kinds of copy can still arrive afterwards:
 * - a version written shortly before the deletion that S3 replication had not copied yet
 *   (replication is asynchronous: most objects replicate within 15 minutes, some take hours,
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-troubleshoot.html);
 * - variations a worker that was still running wrote after the purge.
 * So each deletion leaves a small record in the table, and the sweeper purges the job's prefixes
 * everywhere again, 5 minutes after the deletion and then at doubling intervals for 24 hours. It
 * also removes the job's record, which finishes a deletion whose request failed half-way.
 */
import { immutable, onJobsTable, primaryKey, required, secondaryKey } from "../aws/table.ts";
import * as Job from "../job/index.ts";
import * as Storage from "../storage/index.ts";

/** When the sweeper purges a deleted job again: first after `firstAfterMs`, doubling, within `windowMs`. */
export const REPURGE = { firstAfterMs: 5 * 60_000, windowMs: 24 * 3600_000 } as const;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One deleted job still being watched. `byDue` (gsi2) lists them by the time of their next purge.
 * `expiresAt` (epoch seconds) lets DynamoDB's TTL drop a record the sweeper never got back to.
 */
const deletions = onJobsTable({
  model: { entity: "deletion", version: "1", service: "artai" },
  attributes: {
    jobId: immutable("string"),
    deletedAt: immutable("number"),
    passes: required("number"),
    nextPurgeAt: required("string"),
    expiresAt: required("number"),
  },
  indexes: {
    byJob: primaryKey(["jobId"]),
    byDue: secondaryKey("gsi2", [], ["nextPurgeAt", "jobId"]),
  },
});

const schedule = (jobId: string, deletedAt: number, passes: number) => ({
  jobId,
  deletedAt,
  passes,
  nextPurgeAt: iso(deletedAt + REPURGE.firstAfterMs * 2 ** passes),
  expiresAt: Math.ceil((deletedAt + 2 * REPURGE.windowMs) / 1000),
});

/**
 * Deletes every copy of a job's images now, and has the sweeper do it again later. The record is
 * written first, so a purge cut short (a timeout, a region that does not answer) is finished by
 * the sweeper even if the caller never retries.
 */
export async function purgeJob(jobId: string, now = Date.now()): Promise<void> {
  await deletions()
    .put(schedule(jobId, now, 0))
    .go();
  await Storage.purgeJob(jobId);
}

/**
 * The sweeper's pass: purges every deleted job whose next purge is due, in every bucket and
 * replica, removes the job's record if a failed request left it, then schedules the next pass,
 * or forgets the job once its window is over.
 */
export async function repurge(now = Date.now()): Promise<{ repurged: number; forgotten: number }> {
  const counts = { repurged: 0, forgotten: 0 };
  const due = await deletions()
    .query.byDue({})
    .lte({ nextPurgeAt: iso(now) })
    .go({ limit: 100 });
  for (const deletion of due.data) {
    await Storage.purgeJob(deletion.jobId);
    await Job.remove(deletion.jobId);
    counts.repurged++;
    const next = schedule(deletion.jobId, deletion.deletedAt, deletion.passes + 1);
    if (Date.parse(next.nextPurgeAt) > deletion.deletedAt + REPURGE.windowMs) {
      await deletions().delete({ jobId: deletion.jobId }).go();
      counts.forgotten++;
    } else {
      await deletions().put(next).go();
    }
  }
  return counts;
}
