/**
 * The request alarm on the real local stack: API Gateway's `Count` recorded by the API adapter,
 * the rolling 24-hour Sum, and one e-mail per state change delivered through the local SNS topic
 * to `$ARTAI_DATA_DIR/mail/`. The clock is injected so the window can be slid by hours.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "../src/stack.ts";
import { modellessStack, tempDir } from "./helpers.ts";
import { mails } from "./ops-helpers.ts";

const HOUR = 3_600_000;

async function hit(stack: Stack, count: number) {
  const paths = ["/api/health", "/api/jobs", "/api/jobs/no-such-job", "/api/nowhere"];
  for (let i = 0; i < count; i++) {
    const res = await fetch(new URL(paths[i % paths.length] ?? "/api/jobs", stack.url));
    await res.arrayBuffer();
  }
}

describe("request alarm", () => {
  const dataDir = tempDir("ops-alarm");
  let now = Date.now();
  const clock = () => now;
  let stack: Stack;
  const start = () =>
    // The alarm needs no model; nothing here reaches one.
    modellessStack("ops-alarm", {
      dataDir,
      ops: { clock, evaluationIntervalMs: 100 },
    });

  beforeAll(async () => {
    process.env.ARTAI_ALARM_THRESHOLD = "25";
    stack = await start();
  });
  afterAll(async () => {
    await stack?.close();
    delete process.env.ARTAI_ALARM_THRESHOLD;
  });

  it("with ARTAI_ALARM_THRESHOLD=25, 40 API requests leave exactly one alert e-mail", async () => {
    expect(await mails(dataDir)).toHaveLength(0);
    await hit(stack, 40);
    await stack.ops.alarm.idle();
    // Stay above the threshold a while, with the timer evaluating again and again.
    await new Promise((r) => setTimeout(r, 500));
    await stack.ops.alarm.idle();

    const sent = await mails(dataDir);
    expect(sent).toHaveLength(1);
    const [mail] = sent;
    if (!mail) throw new Error("no mail");
    expect(stack.ops.alarm.value()).toBe(40);
    // A real RFC 5322 message.
    expect(mail.subject).toBe(
      'ALARM: "artai-local-requests-over-25-in-24h" in US East (N. Virginia)',
    );
    expect(mail.from).toBe('"ArtAI alerts" <alerts@artai.local>');
    expect(mail.to).toBe("operators@artai.local");
    expect(mail.messageId).toMatch(/^<.+@.+>$/);
    expect(mail.date?.getTime()).toBe(Math.floor(now / 1000) * 1000);
    expect(mail.mimeVersion).toBe("1.0");
    expect(mail.contentType).toBe("text/plain");
    // The count when it crossed, the threshold and the window, as the SNS alarm e-mail words them.
    expect(mail.body).toContain(
      'You are receiving this email because your Amazon CloudWatch Alarm "artai-local-requests-over-25-in-24h" in the US East (N. Virginia) region has entered the ALARM state',
    );
    expect(mail.body).toMatch(
      /Threshold Crossed: 1 out of the last 1 datapoints \[26\.0 \(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\)\] was greater than the threshold \(25\.0\)/,
    );
    expect(mail.body).toContain("- State Change:               OK -> ALARM");
    expect(mail.body).toContain(
      "- The alarm is in the ALARM state when the metric is GreaterThanThreshold 25.0 for at least 1 of the last 1 period(s) of 86400 seconds.",
    );
    expect(mail.body).toContain("- MetricName:                          Count");
    expect(mail.body).toContain("- Dimensions:                          [ApiId = local]");
    expect(mail.body).toContain("- Period:                              86400 seconds");
    expect(mail.body).toContain(`${stack.url}/status`);
  });

  it("slides: requests leave the window 24 h after they came, and OK is announced once", async () => {
    const first = now;
    now = first + 12 * HOUR;
    await hit(stack, 10); // 50 in the window, still ALARM: no second e-mail
    await new Promise((r) => setTimeout(r, 300));
    await stack.ops.alarm.idle();
    expect(await mails(dataDir)).toHaveLength(1);

    // Just before the first 40 leave, the window still holds all 50.
    now = first + 24 * HOUR - 1000;
    expect(stack.ops.alarm.value()).toBe(50);
    // 24 h after the first 40, only the later 10 are left: below the threshold.
    now = first + 24 * HOUR;
    await expect.poll(async () => (await mails(dataDir)).length, { timeout: 5_000 }).toBe(2);
    expect(stack.ops.alarm.value()).toBe(10);
    const ok = (await mails(dataDir))[1];
    expect(ok?.subject).toBe('OK: "artai-local-requests-over-25-in-24h" in US East (N. Virginia)');
    expect(ok?.body).toContain("- State Change:               ALARM -> OK");
    expect(ok?.body).toMatch(/\[10\.0 \(.*\)\] was not greater than the threshold \(25\.0\)/);

    // Crossing again later is a new transition, with its own single e-mail.
    now = first + 30 * HOUR;
    await hit(stack, 16); // 10 + 16 = 26 > 25
    await stack.ops.alarm.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect(await mails(dataDir)).toHaveLength(3);
    expect((await mails(dataDir))[2]?.subject).toMatch(/^ALARM: /);
  });

  it("keeps the count and the alarm's state across a restart of the stack", async () => {
    const before = stack.ops.alarm.value();
    expect(before).toBe(26);
    await stack.close();
    stack = await start();
    expect(stack.ops.alarm.value()).toBe(26);
    expect(stack.ops.alarm.state).toBe("ALARM");
    await hit(stack, 2);
    await new Promise((r) => setTimeout(r, 300));
    await stack.ops.alarm.idle();
    expect(stack.ops.alarm.value()).toBe(28);
    // Still in ALARM: the restart announced nothing new.
    expect(await mails(dataDir)).toHaveLength(3);
  });
});
