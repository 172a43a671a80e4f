/**
 * Jobs: create, read, list and move through `queued → processing → succeeded | failed`.
 * Every transition is a conditional write, so duplicate or late deliveries can never move a job
 * backwards or make a second set of outputs; no transaction is needed.
 */
import { randomBytes } from "node:crypto";
import { isConditionFailed } from "../aws/index.ts";
import { isTerminal, type JobOptions, type Status } from "../contract/index.ts";
import { type JobItem, jobs } from "./entity.ts";

export type { Status } from "../contract/index.ts";
export type { JobItem } from "./entity.ts";
export { isTerminal };

/** 128 random bits, URL-safe: ids are unguessable, so knowing one is the only way to ask for it. */
export const newId = () => randomBytes(16).toString("base64url");

export interface Output {
  index: number;
  key: string;
  width: number;
  height: number;
  seed: number;
  contentType: string;
  style?: string;
}

/** Creates a queued job. `inputKey` is where its image is (or will be) uploaded. */
export async function create(input: {
  id: string;
  ownerId: string;
  options: JobOptions;
  inputKey: string;
  inputContentType: string;
  uploadExpiresAt: number;
  parent?: { jobId: string; variation?: number };
}): Promise<JobItem> {
  const result = await jobs()
    .create({
      id: input.id,
      ownerId: input.ownerId,
      status: "queued",
      variations: input.options.variations,
      strength: input.options.strength,
      seed: input.options.seed,
      style: input.options.style,
      inputKey: input.inputKey,
      inputContentType: input.inputContentType,
      uploadExpiresAt: input.uploadExpiresAt,
      parentJobId: input.parent?.jobId,
      parentVariation: input.parent?.variation,
      attempts: 0,
    })
    .go();
  return result.data as JobItem;
}

/** Reads a job by id with a strongly consistent read; `undefined` if there is none. */
export async function get(id: string): Promise<JobItem | undefined> {
  const result = await jobs().get({ id }).go({ consistent: true });
  return result.data ?? undefined;
}

/** Reads a job only if `ownerId` owns it: another owner's job looks exactly like a missing one. */
export async function getOwned(id: string, ownerId: string): Promise<JobItem | undefined> {
  const job = await get(id);
  return job && job.ownerId === ownerId ? job : undefined;
}

/** An owner's jobs, newest first. */
export async function listByOwner(ownerId: string, limit = 50): Promise<JobItem[]> {
  const result = await jobs().query.byOwner({ ownerId }).go({ order: "desc", limit });
  return result.data;
}

/**
 * Counts an owner's jobs created after `since` (ISO) whose status is one of `statuses`, stopping
 * once `atMost` are found.
 */
export async function countByOwner(
  ownerId: string,
  input: { since: string; statuses: readonly Status[]; atMost: number },
): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page: { data: unknown[]; cursor: string | null } = await jobs()
      .query.byOwner({ ownerId })
      .gt({ createdAt: input.since })
      .where(({ status }, { eq }) => input.statuses.map((s) => eq(status, s)).join(" OR "))
      .go({ cursor, attributes: ["id"] });
    count += page.data.length;
    cursor = page.cursor;
  } while (cursor && count < input.atMost);
  return count;
}

/**
 * The timestamps of every job that entered `status` after `since` (ISO): what the status page's
 * latency figures are made of.
 */
export async function listChangedSince(status: Status, since: string) {
  const result = await jobs()
    .query.byStatus({ status })
    .gt({ updatedAt: since })
    .go({ pages: "all", attributes: ["createdAt", "startedAt", "finishedAt"] });
  return result.data;
}

/** Jobs in `status` whose last change is older than `before` (ISO), oldest first. */
export async function listStale(status: Status, before: string, limit = 100): Promise<JobItem[]> {
  const result = await jobs().query.byStatus({ status }).lt({ updatedAt: before }).go({ limit });
  return result.data;
}

/** Runs a conditional write: `true` if it applied, `false` if its condition did not hold. */
async function conditionally(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/**
 * Claims a job for processing. Succeeds only if the job is `queued`, or `processing` under a lease
 * that has run out (the delivery that held it died). Returns the claimed job, or `undefined` when
 * another delivery holds it or it has already finished.
 */
export async function claim(
  id: string,
  input: { leaseMs: number; sequencer?: string; inputVersionId?: string; now?: number },
): Promise<JobItem | undefined> {
  const now = input.now ?? Date.now();
  try {
    const result = await jobs()
      .patch({ id })
      .set({
        status: "processing",
        leaseUntil: now + input.leaseMs,
        startedAt: new Date(now).toISOString(),
        ...(input.sequencer ? { sequencer: input.sequencer } : {}),
        ...(input.inputVersionId ? { inputVersionId: input.inputVersionId } : {}),
      })
      .add({ attempts: 1 })
      .where(
        ({ status, leaseUntil }, { eq, lt }) =>
          `${eq(status, "queued")} OR (${eq(status, "processing")} AND ${lt(leaseUntil, now)})`,
      )
      .go({ response: "all_new" });
    return result.data as JobItem;
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/** Records the outputs of a job this delivery holds. `false` if the job is no longer ours. */
export function succeed(id: string, outputs: Output[]): Promise<boolean> {
  return conditionally(() =>
    jobs()
      .patch({ id })
      .set({ status: "succeeded", outputs, finishedAt: new Date().toISOString() })
      .remove(["leaseUntil"])
      .where(({ status }, { eq }) => eq(status, "processing"))
      .go(),
  );
}

/** Fails a job that has not finished, with a reason a person can read. */
export function fail(id: string, error: { code: string; message: string }): Promise<boolean> {
  return conditionally(() =>
    jobs()
      .patch({ id })
      .set({ status: "failed", error, finishedAt: new Date().toISOString() })
      .remove(["leaseUntil"])
      .where(({ status }, { eq }) => `${eq(status, "queued")} OR ${eq(status, "processing")}`)
      .go(),
  );
}

/** Hands a job back to the queue after a failure worth retrying. */
export function release(id: string): Promise<boolean> {
  return conditionally(() =>
    jobs()
      .patch({ id })
      .set({ status: "queued" })
      .remove(["leaseUntil"])
      .where(({ status }, { eq }) => eq(status, "processing"))
      .go(),
  );
}

/** Deletes a job record. */
export async function remove(id: string): Promise<void> {
  await jobs().delete({ id }).go();
}
