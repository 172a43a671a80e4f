/**
 * Abuse limits for a public, anonymous API: a token bucket per client address and action, and a
 * cap on an owner's open (queued or processing) jobs.
 *
 * The buckets live in the Jobs table, one small item per address and action, because API Lambdas
 * share no memory. Each bucket is kept in its "virtual scheduling" form (GCRA): one number, the
 * time at which the bucket will be full again (`tat`). Taking a token is one conditional
 * `UpdateItem` (two when the bucket had filled up), so concurrent requests from one address can
 * never both spend the last token, and no transaction is needed.
 */
import { isConditionFailed } from "../aws/index.ts";
import { RateLimited, TooManyOpenJobs } from "../errors/index.ts";
import * as Job from "../job/index.ts";
import { type ACTIONS, buckets } from "./entity.ts";

export type Action = (typeof ACTIONS)[number];

export interface Limits {
  /** Job creations per minute per client address (`ARTAI_LIMIT_CREATES_PER_MINUTE`, default 60). */
  createsPerMinute: number;
  /** Other API requests per minute per client address (`ARTAI_LIMIT_READS_PER_MINUTE`, default 600). */
  readsPerMinute: number;
  /** Queued or processing jobs one owner may have (`ARTAI_LIMIT_OPEN_JOBS`, default 10). */
  openJobsPerOwner: number;
}

const positive = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

/** The limits in force, read from the environment on every call so a deploy can tune them. */
export const limits = (): Limits => ({
  createsPerMinute: positive("ARTAI_LIMIT_CREATES_PER_MINUTE", 60),
  readsPerMinute: positive("ARTAI_LIMIT_READS_PER_MINUTE", 600),
  openJobsPerOwner: positive("ARTAI_LIMIT_OPEN_JOBS", 10),
});

/**
 * Takes one token from `client`'s bucket for `action`, or throws `RateLimited` with the number of
 * seconds after which a token will be there. A bucket holds a minute's worth of tokens and refills
 * evenly (60 creations a minute: a burst of 60, then one a second).
 */
export async function take(client: string, action: Action, now = Date.now()): Promise<void> {
  const { createsPerMinute, readsPerMinute } = limits();
  const perMinute = action === "create" ? createsPerMinute : readsPerMinute;
  const interval = 60_000 / perMinute;
  const burst = 60_000;
  const expiresAt = Math.ceil((now + burst) / 1000) + 60;
  const key = { action, client };
  try {
    // A bucket that is full (or new): it now lacks exactly one token.
    await buckets()
      .update(key)
      .set({ tat: now + interval, expiresAt })
      .where(({ tat }, { notExists, lt }) => `${notExists(tat)} OR ${lt(tat, now)}`)
      .go({ response: "none" });
    return;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  try {
    // A bucket that is partly spent: spend one more token if one is left.
    await buckets()
      .patch(key)
      .add({ tat: interval })
      .set({ expiresAt })
      .where(({ tat }, { lte }) => lte(tat, now + burst - interval))
      .go({ response: "none" });
    return;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const current = await buckets().get(key).go({ consistent: true });
  const tat = current.data?.tat ?? now;
  // Concurrent requests read the clock in one order and land their writes in another, so `tat`
  // may have been set by a request that read a later "now" than this one. A token is never more
  // than one refill interval away, whoever wrote last.
  const wait = Math.ceil((tat - (now + burst - interval)) / 1000);
  throw new RateLimited(Math.max(1, Math.min(Math.ceil(interval / 1000), wait)));
}

const OPEN: readonly Job.Status[] = ["queued", "processing"];

/**
 * Throws `TooManyOpenJobs` when `ownerId` already has the maximum of queued or processing jobs.
 * Only the last day's jobs are counted: anything older has been ended by the sweeper. Concurrent
 * creations by one owner may pass together, so the cap can be exceeded by the requests in flight.
 */
export async function checkOpenJobs(ownerId: string, now = Date.now()): Promise<void> {
  const { openJobsPerOwner } = limits();
  const since = new Date(now - 24 * 3600 * 1000).toISOString();
  const open = await Job.countByOwner(ownerId, { since, statuses: OPEN, atMost: openJobsPerOwner });
  if (open >= openJobsPerOwner) throw new TooManyOpenJobs(openJobsPerOwner);
}
