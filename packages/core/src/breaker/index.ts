/**
 * The spend breaker. When the 24-hour request alarm goes to ALARM, CloudWatch notifies SNS, SNS
 * invokes the breaker handler, and the breaker sets a flag on the Jobs table that pauses new job
 * creation; when the alarm returns to OK the flag is cleared. Reads are never paused. Whether a
 * stage has a breaker at all is decided by subscribing (or not) the handler to the alarm topic.
 */
import { z } from "zod";
import { isConditionFailed } from "../aws/index.ts";
import { BREAKER_ALARM_ENV } from "../contract/index.ts";
import { Paused } from "../errors/index.ts";
import { log } from "../log/index.ts";
import { breakers } from "./entity.ts";

const NAME = "spend";

/** The fields of a CloudWatch alarm state-change notification the breaker relies on. */
export const AlarmNotification = z.looseObject({
  AlarmName: z.string().min(1),
  NewStateValue: z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]),
  OldStateValue: z.string().optional(),
  NewStateReason: z.string().optional(),
  StateChangeTime: z.string().min(1),
});
export type AlarmNotification = z.infer<typeof AlarmNotification>;

/** Parses an SNS message body as a CloudWatch alarm notification; `undefined` for anything else. */
export function parseNotification(message: string): AlarmNotification | undefined {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return undefined;
  }
  const parsed = AlarmNotification.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** CloudWatch writes `2026-11-28T17:03:00.000+0000`; make it comparable as an instant. */
const instant = (time: string) => {
  const ms = Date.parse(time.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  if (Number.isNaN(ms)) throw new Error(`Unreadable StateChangeTime: ${time}`);
  return new Date(ms).toISOString();
};

export interface BreakerState {
  paused: boolean;
  since?: string;
  alarmName?: string;
  reason?: string;
}

/**
 * Applies one alarm notification: ALARM pauses, OK resumes, INSUFFICIENT_DATA changes nothing.
 * Idempotent and order-safe: a notification older than the one already applied is ignored.
 * Returns whether the flag changed.
 */
export async function apply(notification: AlarmNotification): Promise<boolean> {
  if (notification.NewStateValue === "INSUFFICIENT_DATA") return false;
  const paused = notification.NewStateValue === "ALARM";
  const alarmTime = instant(notification.StateChangeTime);
  try {
    await breakers()
      .upsert({
        name: NAME,
        paused,
        alarmTime,
        alarmName: notification.AlarmName,
        reason: notification.NewStateReason,
      })
      .where(
        ({ alarmTime: applied }, { notExists, lt }) =>
          `${notExists(applied)} OR ${lt(applied, alarmTime)}`,
      )
      .go();
  } catch (error) {
    if (isConditionFailed(error)) {
      log.info("ignoring an alarm notification older than the one applied", {
        alarmName: notification.AlarmName,
        state: notification.NewStateValue,
        stateChangeTime: notification.StateChangeTime,
      });
      return false;
    }
    throw error;
  }
  cached = undefined;
  log.warn(paused ? "spend breaker: new jobs paused" : "spend breaker: new jobs resumed", {
    alarmName: notification.AlarmName,
    stateChangeTime: alarmTime,
  });
  return true;
}

/** The alarm the breaker obeys, from `$ARTAI_BREAKER_ALARM` (the deployment sets it: infra/monitoring.ts). */
export function obeyedAlarm(env: Record<string, string | undefined> = process.env): string {
  const name = env[BREAKER_ALARM_ENV];
  if (!name) {
    throw new Error(
      `${BREAKER_ALARM_ENV} is not set: the spend breaker does not know which alarm it obeys`,
    );
  }
  return name;
}

/**
 * Applies every notification of the request alarm in a batch of SNS messages. The subscription's
 * filter policy already delivers only that alarm; a notification of any other alarm (the
 * dead-letter queue's, the worker's errors) is ignored here too, so neither its ALARM pauses nor
 * its OK resumes. Other messages are logged and skipped.
 */
export async function applyMessages(
  messages: string[],
  alarmName: string = obeyedAlarm(),
): Promise<{ applied: number }> {
  let applied = 0;
  for (const message of messages) {
    const notification = parseNotification(message);
    if (!notification) {
      log.warn("spend breaker: not a CloudWatch alarm notification; ignored");
      continue;
    }
    if (notification.AlarmName !== alarmName) {
      log.warn("spend breaker: a notification of another alarm; ignored", {
        alarmName: notification.AlarmName,
        obeys: alarmName,
      });
      continue;
    }
    if (await apply(notification)) applied++;
  }
  return { applied };
}

/** The breaker as stored, read consistently. */
export async function state(): Promise<BreakerState> {
  const result = await breakers().get({ name: NAME }).go({ consistent: true });
  const item = result.data;
  if (!item) return { paused: false };
  return {
    paused: item.paused,
    since: item.alarmTime,
    alarmName: item.alarmName,
    reason: item.reason,
  };
}

/** How long the API trusts what it last read (ms). One read per instance per window, not per request. */
export const cacheMs = () => Number(process.env.ARTAI_BREAKER_CACHE_MS ?? "5000");

let cached: { state: BreakerState; until: number } | undefined;

/** Whether new jobs are paused, from a short-lived cache of the flag. */
export async function isPaused(now = Date.now()): Promise<boolean> {
  if (!cached || cached.until <= now) {
    cached = { state: await state(), until: now + cacheMs() };
  }
  return cached.state.paused;
}

/** Throws `Paused` (503) while the breaker holds new jobs. */
export async function assertAccepting(now = Date.now()): Promise<void> {
  if (await isPaused(now)) throw new Paused();
}
