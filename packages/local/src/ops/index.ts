/**
 * Operations for the local stack, shaped like the AWS side declared in infra/monitoring.ts:
 * API Gateway's `Count` metric (recorded by the API adapter), a CloudWatch-style alarm on its
 * 24-hour Sum, an SNS topic that e-mails the operators (as `.eml` files under
 * `<data dir>/mail/`) and invokes the spend breaker's Lambda handler, the SageMaker endpoint's
 * metrics, and a CloudWatch API endpoint the status route reads them from.
 */
import { join } from "node:path";
import {
  BREAKER_ALARM_ENV,
  BREAKER_FILTER_POLICY_SCOPE,
  breakerFilterPolicy,
  REQUEST_ALARM,
  REQUEST_ALARM_THRESHOLD,
  requestAlarmName,
} from "@artai/core/contract";
import { type AlarmNotification, MetricAlarm } from "./alarm.ts";
import { alarmBody, alarmSubject } from "./alarm-email.ts";
import { startCloudWatchApi } from "./cloudwatch-api.ts";
import { Mailbox } from "./mailbox.ts";
import { type MetricId, MetricStore } from "./metric-store.ts";
import { startModelMetrics } from "./model-metrics.ts";
import { type LambdaHandler, LocalTopic } from "./sns.ts";
import { statusToken } from "./status-token.ts";

export type { AlarmNotification } from "./alarm.ts";
export { MetricAlarm } from "./alarm.ts";
export { MetricStore } from "./metric-store.ts";

/** The local HTTP API's id: the `ApiId` dimension of its `Count` metric. */
export const LOCAL_API_ID = "local";

export interface OpsOptions {
  /** Requests in 24 h above which the alarm fires. Default `$ARTAI_ALARM_THRESHOLD` or 10,000. */
  alarmThreshold?: number;
  /** Whether the alarm pauses job creation (the spend breaker). Default `$ARTAI_BREAKER` (on). */
  breaker?: boolean;
  /** How often the alarm is evaluated besides on every request (ms). Default 10 s. */
  evaluationIntervalMs?: number;
  /** Where alert e-mails are addressed. Default `$ARTAI_ALERT_EMAIL` or operators@artai.local. */
  alertEmail?: string;
  /** The time source for metrics and the alarm (tests slide the window with it). */
  clock?: () => number;
}

export const requestMetric = (apiId = LOCAL_API_ID): MetricId => ({
  namespace: REQUEST_ALARM.namespace,
  name: REQUEST_ALARM.metricName,
  dimensions: { ApiId: apiId },
});

const envThreshold = () => {
  const value = Number(process.env.ARTAI_ALARM_THRESHOLD);
  return Number.isFinite(value) && value >= 0 && process.env.ARTAI_ALARM_THRESHOLD
    ? value
    : REQUEST_ALARM_THRESHOLD;
};
const envBreaker = () => !/^(off|false|0|no)$/i.test(process.env.ARTAI_BREAKER ?? "on");

export type Ops = Awaited<ReturnType<typeof startOps>>;

export async function startOps(input: {
  dataDir: string;
  region: string;
  accountId: string;
  stage: string;
  host?: string;
  /** The site's URL, for the link in alert e-mails. */
  siteUrl: string;
  /** The model container's URL, read on every invocation. */
  modelUrl: () => string | undefined;
  endpointName: string;
  options?: OpsOptions;
  log: (component: string, line: string) => void;
}) {
  const options = input.options ?? {};
  const clock = options.clock ?? Date.now;
  const threshold = options.alarmThreshold ?? envThreshold();
  const breakerEnabled = options.breaker ?? envBreaker();
  const metricsDir = join(input.dataDir, "metrics");
  const closers: (() => Promise<void>)[] = [];

  const store = new MetricStore({ file: join(metricsDir, "metrics.json"), clock });
  closers.push(() => store.close());
  const cloudwatch = await startCloudWatchApi({ store, host: input.host });
  closers.push(cloudwatch.close);
  const modelMetrics = await startModelMetrics({
    target: input.modelUrl,
    store,
    endpointName: input.endpointName,
    host: input.host,
  });
  closers.push(modelMetrics.close);

  const mailbox = new Mailbox(
    join(input.dataDir, "mail"),
    '"ArtAI alerts" <alerts@artai.local>',
    (line) => input.log("mail", line),
  );
  const alertEmail = options.alertEmail ?? process.env.ARTAI_ALERT_EMAIL ?? "operators@artai.local";
  const topic = new LocalTopic(
    `artai-${input.stage}-alerts`,
    input.region,
    input.accountId,
    (line) => input.log("sns", line),
    clock,
  );
  topic.subscribeEmail((subject, text) =>
    mailbox.send({ to: alertEmail, subject, text, date: new Date(clock()) }),
  );

  const alarmName = requestAlarmName(input.stage, threshold);
  const alarm = new MetricAlarm({
    // The name says what the alarm means, so the e-mail subject does too (the same as on AWS).
    name: alarmName,
    description: `ArtAI ${input.stage}: more than ${threshold} API requests in 24 hours`,
    metric: requestMetric(),
    rule: REQUEST_ALARM,
    threshold,
    region: input.region,
    accountId: input.accountId,
    actions: [topic.arn],
    store,
    stateFile: join(metricsDir, "alarms.json"),
    clock,
    notify: async (notification: AlarmNotification) => {
      input.log(
        "alarm",
        `${notification.AlarmName}: ${notification.OldStateValue} -> ${notification.NewStateValue} (${notification.NewStateReason})`,
      );
      // CloudWatch publishes the JSON for programs and a text rendering for e-mail subscribers.
      await topic.publish({
        subject: alarmSubject(notification),
        message: {
          default: JSON.stringify(notification),
          email: alarmBody(notification, { link: `${input.siteUrl}/status`, topicArn: topic.arn }),
        },
      });
    },
  });
  const timer = setInterval(() => alarm.evaluate(), options.evaluationIntervalMs ?? 10_000);
  timer.unref();
  closers.push(async () => {
    clearInterval(timer);
    await alarm.idle();
  });

  const token = statusToken(input.dataDir);

  return {
    store,
    alarm,
    topic,
    mailbox,
    threshold,
    breakerEnabled,
    statusToken: token,
    endpoints: { cloudwatch: cloudwatch.url, model: modelMetrics.url },
    /** The environment the handlers need for operations (endpoint, links, threshold). */
    env: (links: { deadLetterQueueUrl: string }): Record<string, string> => ({
      AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.url,
      ARTAI_ALARM_THRESHOLD: String(threshold),
      // The breaker's second guard: it obeys this alarm alone (infra/monitoring.ts sets the same).
      [BREAKER_ALARM_ENV]: alarmName,
      SST_RESOURCE_DeadLetterQueue: JSON.stringify({
        url: links.deadLetterQueueUrl,
        type: "sst.aws.Queue",
      }),
      SST_RESOURCE_StatusToken: JSON.stringify({ value: token, type: "sst.sst.Secret" }),
    }),
    /**
     * Subscribes the spend breaker's handler to the alert topic, when the stage enables it, with
     * the filter policy infra gives its subscription: only the request alarm's notifications.
     */
    connectBreaker(handler: LambdaHandler) {
      if (!breakerEnabled) return;
      topic.subscribeLambda("breaker", handler, {
        filter: {
          policy: breakerFilterPolicy(input.stage, threshold),
          scope: BREAKER_FILTER_POLICY_SCOPE,
        },
      });
    },
    /** The API adapter's `onRequest`: one `Count` sample per request, then an evaluation. */
    onRequest() {
      store.put(requestMetric(), 1);
      alarm.evaluate();
    },
    async close() {
      for (const c of closers.reverse()) await c().catch(() => {});
    },
  };
}
