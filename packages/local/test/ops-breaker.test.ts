/**
 * The spend breaker through the whole local chain: the request alarm → the local SNS topic → the
 * breaker's Lambda handler (a real SNS event carrying CloudWatch's alarm JSON) → the flag in the
 * Jobs table → `POST /api/jobs` answering 503 Paused while reads keep working, and back on OK.
 */
import type { SNSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser } from "../src/client.ts";
import type { Stack } from "../src/stack.ts";
import { modellessStack, NEW_UPLOAD, tempDir } from "./helpers.ts";
import { mails } from "./ops-helpers.ts";

// The API reads the flag through a short cache (ARTAI_BREAKER_CACHE_MS, 5 s). The breaker runs in
// its own function, as on Lambda, so nothing clears that cache when it changes the flag: turn the
// cache off to see each change at once. Set before the stack starts, so the API inherits it.
process.env.ARTAI_BREAKER_CACHE_MS = "0";

const HOUR = 3_600_000;

describe("spend breaker", () => {
  const dataDir = tempDir("ops-breaker");
  let now = Date.now();
  let stack: Stack;
  const owner = () => browser;
  let browser: Browser;

  beforeAll(async () => {
    stack = await modellessStack("ops-breaker", {
      dataDir,
      ops: { clock: () => now, alarmThreshold: 5, breaker: true, evaluationIntervalMs: 100 },
    });
    browser = new Browser(stack.url);
  });
  afterAll(async () => stack?.close());

  it("pauses job creation while the request alarm is in ALARM, and only that", async () => {
    const first = await owner().createJob(NEW_UPLOAD);
    expect(first.status).toBe(201);
    const id = first.body.job.id;
    for (let i = 0; i < 5; i++) {
      const res = await owner().request("/api/jobs");
      expect(res.status).toBe(200);
    }
    // 6 requests > 5: ALARM, one e-mail, and the breaker's handler sets the flag.
    await stack.ops.alarm.idle();
    expect(stack.ops.alarm.state).toBe("ALARM");
    expect(await mails(dataDir)).toHaveLength(1);

    const paused = await owner().createJob(NEW_UPLOAD);
    expect(paused.status).toBe(503);
    expect(paused.body.error?.code).toBe("Paused");
    expect(paused.body.error?.message).toMatch(/paused/i);
    // Every read keeps working.
    const job = await owner().json<{ id: string }>(`/api/jobs/${id}`);
    expect(job.status).toBe(200);
    expect(job.body.id).toBe(id);
    const list = await owner().json<{ jobs: { id: string }[] }>("/api/jobs");
    expect(list.status).toBe(200);
    expect(list.body.jobs.map((j) => j.id)).toEqual([id]);
    expect((await owner().request("/api/health")).status).toBe(200);
  });

  it("ignores a late, older ALARM notification once a newer state was applied", async () => {
    const { handler } = await import("@artai/functions/breaker");
    const notification = (state: "OK" | "ALARM", at: number) =>
      ({
        Records: [
          {
            EventSource: "aws:sns",
            EventVersion: "1.0",
            EventSubscriptionArn: "arn:aws:sns:us-east-1:000000000000:artai-local-alerts:test",
            Sns: {
              Type: "Notification",
              MessageId: `test-${state}-${at}`,
              TopicArn: "arn:aws:sns:us-east-1:000000000000:artai-local-alerts",
              Subject: `${state}: "artai-local-requests-over-5-in-24h" in US East (N. Virginia)`,
              Message: JSON.stringify({
                AlarmName: "artai-local-requests-over-5-in-24h",
                NewStateValue: state,
                OldStateValue: state === "OK" ? "ALARM" : "OK",
                NewStateReason: "test",
                StateChangeTime: new Date(at).toISOString().replace("Z", "+0000"),
              }),
              Timestamp: new Date(at).toISOString(),
              SignatureVersion: "1",
              Signature: "",
              SigningCertUrl: "",
              UnsubscribeUrl: "",
              MessageAttributes: {},
            },
          },
        ],
      }) as SNSEvent;
    // An OK from before the ALARM (delivered late) must not resume job creation.
    expect(await handler(notification("OK", now - 60_000))).toEqual({ applied: 0 });
    expect((await owner().createJob(NEW_UPLOAD)).status).toBe(503);
    // Something that is not an alarm notification is skipped.
    const junk = notification("OK", now);
    if (junk.Records[0]) junk.Records[0].Sns.Message = "hello";
    expect(await handler(junk)).toEqual({ applied: 0 });
    expect((await owner().createJob(NEW_UPLOAD)).status).toBe(503);
  });

  it("resumes job creation when the window falls back below the threshold", async () => {
    now += 24 * HOUR;
    // The timer evaluates the alarm; OK goes out by e-mail and to the breaker.
    await expect.poll(() => stack.ops.alarm.state, { timeout: 5_000 }).toBe("OK");
    await stack.ops.alarm.idle();
    expect((await mails(dataDir)).map((m) => m.subject?.split(":")[0])).toEqual(["ALARM", "OK"]);
    const resumed = await owner().createJob(NEW_UPLOAD);
    expect(resumed.status).toBe(201);
    expect(resumed.body.job.status).toBe("queued");
  });
});
