/**
 * The operations wiring without the rest of the stack: what the alarm sends through the local
 * topic (an SNS event whose message core's breaker accepts), and the stage switch that decides
 * whether the breaker is subscribed at all.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseNotification } from "@artai/core/breaker";
import type { SNSEvent } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { type Ops, startOps } from "./index.ts";

describe("operations wiring", () => {
  const started: Ops[] = [];
  const saved = process.env.ARTAI_BREAKER;
  afterEach(async () => {
    for (const ops of started.splice(0)) await ops.close();
    if (saved === undefined) delete process.env.ARTAI_BREAKER;
    else process.env.ARTAI_BREAKER = saved;
  });

  /** Starts the operations part alone, with a breaker stand-in that records its SNS events. */
  async function start(breaker: string | undefined) {
    if (breaker === undefined) delete process.env.ARTAI_BREAKER;
    else process.env.ARTAI_BREAKER = breaker;
    const dataDir = tempDir("ops");
    const ops = await startOps({
      dataDir,
      region: "us-east-1",
      accountId: "000000000000",
      stage: "test",
      siteUrl: "http://localhost:1",
      modelUrl: () => undefined,
      endpointName: "artai-test-model",
      options: { alarmThreshold: 2 },
      log: () => {},
    });
    started.push(ops);
    const events: SNSEvent[] = [];
    ops.connectBreaker(async (event) => {
      events.push(event);
    });
    for (let i = 0; i < 3; i++) ops.onRequest();
    await ops.alarm.idle();
    return { ops, events, mail: readdirSync(join(dataDir, "mail")) };
  }

  it("invokes the breaker with an SNS event carrying CloudWatch's alarm JSON (breaker on by default)", async () => {
    const { ops, events, mail } = await start(undefined);
    expect(ops.breakerEnabled).toBe(true);
    expect(mail).toHaveLength(1);
    expect(events).toHaveLength(1);
    const record = events[0]?.Records[0];
    expect(record?.EventSource).toBe("aws:sns");
    expect(record?.Sns.TopicArn).toBe("arn:aws:sns:us-east-1:000000000000:artai-test-alerts");
    expect(record?.Sns.Subject).toBe(
      'ALARM: "artai-test-requests-over-2-in-24h" in US East (N. Virginia)',
    );
    const notification = parseNotification(record?.Sns.Message ?? "");
    expect(notification).toMatchObject({
      AlarmName: "artai-test-requests-over-2-in-24h",
      NewStateValue: "ALARM",
      OldStateValue: "OK",
      Trigger: {
        Namespace: "AWS/ApiGateway",
        MetricName: "Count",
        Period: 86_400,
        Threshold: 2,
        Dimensions: [{ name: "ApiId", value: "local" }],
      },
    });
  });

  it("only e-mails when ARTAI_BREAKER=off", async () => {
    const { ops, events, mail } = await start("off");
    expect(ops.breakerEnabled).toBe(false);
    expect(ops.alarm.state).toBe("ALARM");
    expect(mail).toHaveLength(1);
    expect(events).toHaveLength(0);
  });
});
