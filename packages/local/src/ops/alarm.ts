/**
 * A local CloudWatch metric alarm with the semantics of ArtAI's request alarm on AWS: the Sum of
 * one metric over one period (a rolling window), compared with a threshold. Its rule is the one
 * infra declares (`REQUEST_ALARM` in @artai/core/contract); a rule this evaluator does not
 * implement is refused by name rather than evaluated some other way. It is evaluated on
 * every new sample and on a timer, and it notifies its actions once per state change, with the
 * same notification CloudWatch sends to SNS. Its state is persisted, so a restart of the stack
 * neither forgets an ALARM nor announces it twice.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { writeAtomic } from "../util.ts";
import type { MetricId, MetricStore } from "./metric-store.ts";

export type AlarmState = "OK" | "ALARM";

/** The JSON CloudWatch publishes to SNS when an alarm changes state. */
export interface AlarmNotification {
  AlarmName: string;
  AlarmDescription: string;
  AWSAccountId: string;
  AlarmConfigurationUpdatedTimestamp: string;
  NewStateValue: AlarmState;
  NewStateReason: string;
  StateChangeTime: string;
  Region: string;
  AlarmArn: string;
  OldStateValue: AlarmState | "INSUFFICIENT_DATA";
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  Trigger: {
    MetricName: string;
    Namespace: string;
    StatisticType: "Statistic";
    Statistic: "SUM";
    Unit: null;
    Dimensions: { value: string; name: string }[];
    Period: number;
    EvaluationPeriods: number;
    DatapointsToAlarm: number;
    ComparisonOperator: "GreaterThanThreshold";
    Threshold: number;
    TreatMissingData: "notBreaching";
    EvaluateLowSampleCountPercentile: string;
  };
}

/** AWS's long region names, as they appear in alarm notifications. */
const REGION_NAMES: Record<string, string> = {
  "us-east-1": "US East (N. Virginia)",
  "us-east-2": "US East (Ohio)",
  "us-west-1": "US West (N. California)",
  "us-west-2": "US West (Oregon)",
  "eu-west-1": "EU (Ireland)",
  "eu-central-1": "EU (Frankfurt)",
};
export const regionName = (region: string) => REGION_NAMES[region] ?? region;

const pad = (n: number) => String(n).padStart(2, "0");
/** CloudWatch's timestamps in notifications: `2026-11-28T17:03:00.123+0000`. */
export const cloudwatchTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+0000");
/** CloudWatch's datapoint stamps in reasons: `28/11/26 17:03:00` (UTC). */
const datapointTime = (ms: number) => {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};
const decimal = (n: number) => (Number.isInteger(n) ? n.toFixed(1) : String(n));

/** How CloudWatch judges the metric: the fields of a rule such as the contract's `REQUEST_ALARM`. */
export interface AlarmRule {
  statistic: string;
  /** Seconds per datapoint: 86,400 for the request alarm. */
  period: number;
  evaluationPeriods: number;
  comparisonOperator: string;
  treatMissingData: string;
}

/** The one rule shape this evaluator implements; any other field value is refused. */
const SUPPORTED: Omit<AlarmRule, "period"> = {
  statistic: "Sum",
  evaluationPeriods: 1,
  comparisonOperator: "GreaterThanThreshold",
  treatMissingData: "notBreaching",
};

function checkRule(name: string, rule: AlarmRule): void {
  for (const [field, value] of Object.entries(SUPPORTED)) {
    const asked = rule[field as keyof AlarmRule];
    if (asked !== value)
      throw new Error(
        `alarm ${name}: the local CloudWatch evaluates ${field} ${String(value)} only, not ${String(asked)}`,
      );
  }
  if (!Number.isInteger(rule.period) || rule.period <= 0)
    throw new Error(`alarm ${name}: period must be a whole number of seconds, not ${rule.period}`);
}

export interface MetricAlarmOptions {
  name: string;
  description: string;
  metric: MetricId;
  rule: AlarmRule;
  threshold: number;
  region: string;
  accountId: string;
  /** Where OK and ALARM notifications go (the alert topic's ARN). */
  actions: string[];
  store: MetricStore;
  /** Where the alarm keeps its state between runs. */
  stateFile: string;
  clock?: () => number;
  /** Called once per state change, after the state is saved. */
  notify: (notification: AlarmNotification) => Promise<void>;
}

interface SavedState {
  state: AlarmState;
  since: number;
  reason: string;
}

export class MetricAlarm {
  private saved: SavedState;
  private readonly clock: () => number;
  private readonly configuredAt: number;
  /** Notifications in flight, so `idle()` can wait for them. */
  private pending = new Set<Promise<void>>();

  constructor(readonly options: MetricAlarmOptions) {
    checkRule(options.name, options.rule);
    this.clock = options.clock ?? Date.now;
    this.configuredAt = this.clock();
    mkdirSync(dirname(options.stateFile), { recursive: true });
    let saved: SavedState | undefined;
    try {
      saved = JSON.parse(readFileSync(options.stateFile, "utf8"))[options.name];
    } catch {}
    // A new alarm starts in OK: with `notBreaching`, no data is not a reason to alert.
    this.saved = saved ?? { state: "OK", since: this.configuredAt, reason: "Alarm created" };
  }

  get state(): AlarmState {
    return this.saved.state;
  }

  /** The metric's Sum over the window ending now. */
  value(now = this.clock()): number {
    // Seconds (now - period, now]: a sample leaves the window exactly one period after it came.
    const second = Math.floor(now / 1000);
    return this.options.store.total(
      this.options.metric,
      (second - this.options.rule.period + 1) * 1000,
      (second + 1) * 1000,
    ).sum;
  }

  /**
   * Compares the window's Sum with the threshold and, on a change of state, saves the new state
   * and notifies. The decision is synchronous, so concurrent callers can never both announce the
   * same transition. Returns the notification sent, if any.
   */
  evaluate(now = this.clock()): AlarmNotification | undefined {
    const value = this.value(now);
    const next: AlarmState = value > this.options.threshold ? "ALARM" : "OK";
    if (next === this.saved.state) return undefined;
    const previous = this.saved.state;
    const windowStart = now - this.options.rule.period * 1000;
    const reason =
      `Threshold Crossed: 1 out of the last 1 datapoints [${decimal(value)} (${datapointTime(windowStart)})] was ` +
      `${next === "ALARM" ? "" : "not "}greater than the threshold (${decimal(this.options.threshold)}) ` +
      `(minimum 1 datapoint for ${previous} -> ${next} transition).`;
    this.saved = { state: next, since: now, reason };
    const notification = this.notification(previous, next, reason, now);
    const work = this.persist().then(() => this.options.notify(notification));
    const tracked = work.catch(() => {}).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    return notification;
  }

  /** Resolves once every notification sent so far has been delivered (or has failed). */
  async idle() {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private async persist() {
    let all: Record<string, SavedState> = {};
    try {
      all = JSON.parse(readFileSync(this.options.stateFile, "utf8"));
    } catch {}
    all[this.options.name] = this.saved;
    await writeAtomic(this.options.stateFile, JSON.stringify(all, null, 2));
  }

  get arn() {
    return `arn:aws:cloudwatch:${this.options.region}:${this.options.accountId}:alarm:${this.options.name}`;
  }

  private notification(
    previous: AlarmState,
    next: AlarmState,
    reason: string,
    now: number,
  ): AlarmNotification {
    const o = this.options;
    return {
      AlarmName: o.name,
      AlarmDescription: o.description,
      AWSAccountId: o.accountId,
      AlarmConfigurationUpdatedTimestamp: cloudwatchTime(this.configuredAt),
      NewStateValue: next,
      NewStateReason: reason,
      StateChangeTime: cloudwatchTime(now),
      Region: regionName(o.region),
      AlarmArn: this.arn,
      OldStateValue: previous,
      OKActions: o.actions,
      AlarmActions: o.actions,
      InsufficientDataActions: [],
      Trigger: {
        MetricName: o.metric.name,
        Namespace: o.metric.namespace,
        StatisticType: "Statistic",
        Statistic: "SUM",
        Unit: null,
        Dimensions: Object.entries(o.metric.dimensions).map(([name, value]) => ({ value, name })),
        Period: o.rule.period,
        EvaluationPeriods: o.rule.evaluationPeriods,
        DatapointsToAlarm: o.rule.evaluationPeriods,
        ComparisonOperator: "GreaterThanThreshold",
        Threshold: o.threshold,
        TreatMissingData: "notBreaching",
        EvaluateLowSampleCountPercentile: "",
      },
    };
  }
}
