/**
 * The local alarm evaluates the rule infra declares (the contract's `REQUEST_ALARM`), and refuses
 * a rule it does not implement, so a change to the rule in infra cannot pass here unevaluated.
 */
import { join } from "node:path";
import { REQUEST_ALARM } from "@artai/core/contract";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { type AlarmNotification, type AlarmRule, MetricAlarm } from "./alarm.ts";
import { MetricStore } from "./metric-store.ts";

const T0 = Date.parse("2026-11-28T12:00:00.000Z");
const metric = {
  namespace: REQUEST_ALARM.namespace,
  name: REQUEST_ALARM.metricName,
  dimensions: { ApiId: "local" },
};

describe("local metric alarm", () => {
  const dir = tempDir("alarm");
  let now = T0;
  const store = new MetricStore({ file: join(dir, "m.json"), clock: () => now });
  afterAll(async () => store.close());
  const alarm = (rule: AlarmRule, sent: AlarmNotification[] = []) =>
    new MetricAlarm({
      name: "requests",
      description: "test",
      metric,
      rule,
      threshold: 3,
      region: "us-east-1",
      accountId: "000000000000",
      actions: ["arn:aws:sns:us-east-1:000000000000:alerts"],
      store,
      stateFile: join(dir, "alarms.json"),
      clock: () => now,
      notify: async (n) => void sent.push(n),
    });

  it("sums the contract's period, and its notification states the contract's rule", async () => {
    const sent: AlarmNotification[] = [];
    const requests = alarm(REQUEST_ALARM, sent);
    for (let i = 0; i < 4; i++) store.put(metric, 1, T0 + i * 1000);
    now = T0 + 4000;
    const fired = requests.evaluate();
    expect(fired?.NewStateValue).toBe("ALARM");
    expect(fired?.Trigger).toMatchObject({
      Namespace: REQUEST_ALARM.namespace,
      MetricName: REQUEST_ALARM.metricName,
      Period: REQUEST_ALARM.period,
      EvaluationPeriods: REQUEST_ALARM.evaluationPeriods,
      ComparisonOperator: REQUEST_ALARM.comparisonOperator,
      TreatMissingData: REQUEST_ALARM.treatMissingData,
    });
    // Still inside the period one second before the first sample leaves it; out of it after.
    now = T0 + (REQUEST_ALARM.period - 1) * 1000;
    expect(requests.evaluate()).toBeUndefined();
    now = T0 + REQUEST_ALARM.period * 1000 + 1000;
    expect(requests.evaluate()?.NewStateValue).toBe("OK");
    await requests.idle();
    expect(sent.map((n) => n.NewStateValue)).toEqual(["ALARM", "OK"]);
  });

  it.each([
    ["statistic", "Average"],
    ["evaluationPeriods", 3],
    ["comparisonOperator", "GreaterThanOrEqualToThreshold"],
    ["treatMissingData", "breaching"],
  ] as const)("refuses a rule with %s %s, by name", (field, value) => {
    expect(() => alarm({ ...REQUEST_ALARM, [field]: value })).toThrow(
      new RegExp(`evaluates ${field} .* only, not ${value}`),
    );
  });
});
