/**
 * Issue 11, point 1: the spend breaker hears only the request alarm. Every alarm publishes to the
 * one alert topic; the breaker's subscription carries the contract's filter policy
 * (`breakerFilterPolicy`, scope MessageBody), which the local SNS applies as SNS does, and the
 * handler ignores any other alarm as a second guard. Everything here runs through the real local
 * topic, the real breaker handler and the real Jobs table.
 */
import { BREAKER_ALARM_ENV, requestAlarmName } from "@artai/core/contract";
import type { SNSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser } from "../src/client.ts";
import type { Stack } from "../src/stack.ts";
import { modellessStack, NEW_UPLOAD, tempDir } from "./helpers.ts";
import { mails } from "./ops-helpers.ts";

// The API reads the flag through a short cache (ARTAI_BREAKER_CACHE_MS, 5 s), and the breaker runs
// in its own function, as on Lambda: turn the cache off so each change shows at once.
process.env.ARTAI_BREAKER_CACHE_MS = "0";

const THRESHOLD = 3;
const DLQ_ALARM = "artai-local-DeadLetterAlarm-0123abcd";

/** A CloudWatch alarm state-change notification, as CloudWatch publishes it to SNS. */
function notification(alarmName: string, state: "OK" | "ALARM", at: number) {
  return {
    AlarmName: alarmName,
    AlarmDescription: "ArtAI local: messages in the dead-letter queue",
    AWSAccountId: "000000000000",
    NewStateValue: state,
    OldStateValue: state === "OK" ? "ALARM" : "OK",
    NewStateReason: "Threshold Crossed: 1 datapoint [1.0] was greater than the threshold (0.0).",
    StateChangeTime: new Date(at).toISOString().replace("Z", "+0000"),
    Region: "US East (N. Virginia)",
    AlarmArn: `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${alarmName}`,
  };
}

describe("1. the spend breaker hears only the request alarm", () => {
  const dataDir = tempDir("ops-breaker-filter");
  let now = Date.now();
  let stack: Stack;
  let browser: Browser;

  /** Publishes another alarm's notification to the alert topic, as CloudWatch would. */
  const publishOther = (state: "OK" | "ALARM") =>
    stack.ops.topic.publish({
      subject: `${state}: "${DLQ_ALARM}" in US East (N. Virginia)`,
      message: { default: JSON.stringify(notification(DLQ_ALARM, state, now)) },
    });

  /** Another alarm's notification as an SNS event, to hand straight to the breaker's handler. */
  const otherAlarmEvent = (state: "OK" | "ALARM") =>
    ({
      Records: [
        {
          EventSource: "aws:sns",
          Sns: { Message: JSON.stringify(notification(DLQ_ALARM, state, now)) },
        },
      ],
    }) as unknown as SNSEvent;

  beforeAll(async () => {
    stack = await modellessStack("ops-breaker-filter", {
      dataDir,
      ops: {
        clock: () => now,
        alarmThreshold: THRESHOLD,
        breaker: true,
        evaluationIntervalMs: 60_000,
      },
    });
    browser = new Browser(stack.url);
  });
  afterAll(async () => stack?.close());

  it("1. the dead-letter queue's alarm causes no pause", async () => {
    now += 1000;
    const published = await publishOther("ALARM");
    // The operators' e-mail hears every alarm; the breaker's subscription filters this one out.
    expect(published).toMatchObject({ delivered: 1, filtered: 1, failed: 0 });
    expect((await mails(dataDir)).map((m) => m.subject)).toEqual([
      `ALARM: "${DLQ_ALARM}" in US East (N. Virginia)`,
    ]);
    const created = await browser.createJob(NEW_UPLOAD);
    expect(created.status).toBe(201);
  });

  it("1. the handler itself ignores another alarm's ALARM (the second guard)", async () => {
    const { handler } = await import("@artai/functions/breaker");
    expect(process.env[BREAKER_ALARM_ENV]).toBe(requestAlarmName("local", THRESHOLD));
    now += 1000;
    expect(await handler(otherAlarmEvent("ALARM"))).toEqual({ applied: 0 });
    expect((await browser.createJob(NEW_UPLOAD)).status).toBe(201);
  });

  it("1. the request alarm pauses job creation", async () => {
    // Each createJob above counted; these take the 24-hour count past the threshold.
    for (let i = 0; i < THRESHOLD; i++) {
      expect((await browser.request("/api/health")).status).toBe(200);
    }
    await stack.ops.alarm.idle();
    expect(stack.ops.alarm.state).toBe("ALARM");
    const paused = await browser.createJob(NEW_UPLOAD);
    expect(paused.status).toBe(503);
    expect(paused.body.error?.code).toBe("Paused");
  });

  it("1. another alarm's OK does not resume job creation", async () => {
    now += 60_000;
    const published = await publishOther("OK");
    expect(published).toMatchObject({ delivered: 1, filtered: 1, failed: 0 });
    // Delivered straight to the handler (past the filter), a newer OK of that alarm still changes nothing.
    const { handler } = await import("@artai/functions/breaker");
    expect(await handler(otherAlarmEvent("OK"))).toEqual({ applied: 0 });
    expect(stack.ops.alarm.state).toBe("ALARM");
    const stillPaused = await browser.createJob(NEW_UPLOAD);
    expect(stillPaused.status).toBe(503);
  });
});
