/**
 * Monitoring: the 10,000-requests-per-24-hours alarm on the HTTP API, the alert topic with
 * its e-mail subscription, the spend breaker Lambda, alarms on the dead-letter queue and on
 * worker errors, and one CloudWatch dashboard.
 */
import {
  BREAKER_ALARM_ENV,
  BREAKER_FILTER_POLICY_SCOPE,
  breakerFilterPolicy,
  REQUEST_ALARM,
  requestAlarmName,
} from "../packages/core/src/contract/index.ts";
import { api } from "./api.ts";
import { REQUEST_ALARM_THRESHOLD, stage } from "./config.ts";
import { dataKey, messagingKey, useKey } from "./kms.ts";
import { inference, VARIANT_NAME } from "./model.ts";
import { permissionsOf } from "./permissions.ts";
import { deadLetterQueue, queue } from "./queue.ts";
import { jobs } from "./storage.ts";
import { worker } from "./worker.ts";

const region = aws.getRegionOutput({}).region;

/** The operators' address for alarm e-mails: `sst secret set AlertEmail ops@… --stage …`. */
export const alertEmail = new sst.Secret("AlertEmail");

/** Alarm notifications, encrypted with the messaging key (which CloudWatch may use). */
export const alerts = new sst.aws.SnsTopic("Alerts", {
  transform: { topic: { kmsMasterKeyId: messagingKey.arn } },
});

/** E-mail delivery; AWS sends a confirmation link to the address first. */
export const alertEmailSubscription = new aws.sns.TopicSubscription("AlertEmailSubscription", {
  topic: alerts.arn,
  protocol: "email",
  endpoint: alertEmail.value,
});

type Defaulted = "comparisonOperator" | "evaluationPeriods";
/** What one alarm says for itself: its metric and threshold (the actions are always `alerts`). */
type AlarmArgs = Omit<aws.cloudwatch.MetricAlarmArgs, Defaulted | "alarmActions" | "okActions"> &
  Partial<Pick<aws.cloudwatch.MetricAlarmArgs, Defaulted>>;

/**
 * An alarm on one metric that notifies `alerts` when it goes to ALARM and when it is OK again.
 * Unless `args` say otherwise it fires on the first period above the threshold, and missing data
 * is not a breach (a quiet queue or an idle worker sends none).
 */
const alarm = (name: string, args: AlarmArgs) =>
  new aws.cloudwatch.MetricAlarm(name, {
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    ...args,
    alarmActions: [alerts.arn],
    okActions: [alerts.arn],
  });

/** API Gateway's request count for this HTTP API, by the contract's rule (`REQUEST_ALARM`). */
export const requestsAlarm = alarm("RequestsAlarm", {
  // The contract's name, as the local stack's alarm; the e-mail subject says what happened, and
  // the breaker's subscription filters on it.
  name: requestAlarmName($app.stage),
  alarmDescription: `ArtAI ${$app.stage}: more than ${REQUEST_ALARM_THRESHOLD} API requests in 24 hours`,
  ...REQUEST_ALARM,
  dimensions: { ApiId: api.nodes.api.id },
});

/**
 * The spend breaker: on ALARM it sets a flag in the Jobs table that pauses job creation,
 * on OK it clears it. Stages whose config turns the breaker off only get the e-mail.
 *
 * Every alarm publishes to `alerts`, so the subscription filters on the notification's
 * `AlarmName` (the contract's `breakerFilterPolicy`, also applied by the local SNS). SST's
 * `filter` sets the subscription's FilterPolicy but not its FilterPolicyScope, which defaults
 * to MessageAttributes (CloudWatch sets none), so the transform sets the body scope:
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering-scope.html
 * The handler also ignores any other alarm (`$ARTAI_BREAKER_ALARM`), as a second guard.
 */
export const breaker = stage.breaker
  ? alerts.subscribe(
      "Breaker",
      {
        handler: "packages/functions/src/breaker.handler",
        description: "ArtAI spend breaker",
        runtime: "nodejs22.x",
        architecture: "arm64",
        timeout: "30 seconds",
        link: [jobs],
        permissions: [useKey(dataKey), ...permissionsOf("breaker")],
        environment: { [BREAKER_ALARM_ENV]: requestAlarmName($app.stage) },
      },
      {
        filter: breakerFilterPolicy($app.stage),
        transform: {
          subscription: (args) => {
            args.filterPolicyScope = BREAKER_FILTER_POLICY_SCOPE;
          },
        },
      },
    )
  : undefined;

/** Any message in the dead-letter queue means a job exhausted its retries. */
export const deadLetterAlarm = alarm("DeadLetterAlarm", {
  alarmDescription: `ArtAI ${$app.stage}: messages in the dead-letter queue`,
  namespace: "AWS/SQS",
  metricName: "ApproximateNumberOfMessagesVisible",
  dimensions: { QueueName: deadLetterQueue.nodes.queue.name },
  statistic: "Maximum",
  period: 300,
  threshold: 0,
});

/** Any worker invocation error (a throw or a timeout; partial failures are not errors). */
export const workerErrorsAlarm = alarm("WorkerErrorsAlarm", {
  alarmDescription: `ArtAI ${$app.stage}: worker Lambda errors`,
  namespace: "AWS/Lambda",
  metricName: "Errors",
  dimensions: { FunctionName: worker.name },
  statistic: "Sum",
  period: 300,
  threshold: 0,
});

/** The model endpoint's widget, for stages that deploy SageMaker. */
const endpointName = inference?.endpoint.name;
const modelWidgets = endpointName
  ? [
      {
        type: "metric",
        x: 0,
        y: 12,
        width: 24,
        height: 6,
        properties: {
          title: "Model endpoint: invocations per instance, latency (p95), 5xx",
          region,
          period: 300,
          metrics: ["InvocationsPerInstance", "ModelLatency", "Invocation5XXErrors"].map(
            (metric) => [
              "AWS/SageMaker",
              metric,
              "EndpointName",
              endpointName,
              "VariantName",
              VARIANT_NAME,
              { stat: metric === "ModelLatency" ? "p95" : "Sum" },
            ],
          ),
        },
      },
    ]
  : [];

/** One dashboard: requests, queue depths, worker health and the model endpoint. */
export const dashboard = new aws.cloudwatch.Dashboard("Dashboard", {
  dashboardName: `artai-${$app.stage}`,
  dashboardBody: $jsonStringify({
    widgets: [
      {
        type: "metric",
        x: 0,
        y: 0,
        width: 12,
        height: 6,
        properties: {
          title: "API requests (24 h sum) and alarm threshold",
          region,
          stat: "Sum",
          period: 86_400,
          metrics: [["AWS/ApiGateway", "Count", "ApiId", api.nodes.api.id]],
          annotations: {
            horizontal: [{ label: "Alarm", value: REQUEST_ALARM_THRESHOLD }],
          },
        },
      },
      {
        type: "metric",
        x: 12,
        y: 0,
        width: 12,
        height: 6,
        properties: {
          title: "Queue and dead-letter queue depth",
          region,
          stat: "Maximum",
          period: 60,
          metrics: [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue.nodes.queue.name],
            [
              "AWS/SQS",
              "ApproximateNumberOfMessagesVisible",
              "QueueName",
              deadLetterQueue.nodes.queue.name,
            ],
          ],
        },
      },
      {
        type: "metric",
        x: 0,
        y: 6,
        width: 12,
        height: 6,
        properties: {
          title: "Worker invocations, errors and duration (p95)",
          region,
          period: 300,
          metrics: [
            ["AWS/Lambda", "Invocations", "FunctionName", worker.name, { stat: "Sum" }],
            ["AWS/Lambda", "Errors", "FunctionName", worker.name, { stat: "Sum" }],
            ["AWS/Lambda", "Duration", "FunctionName", worker.name, { stat: "p95" }],
          ],
        },
      },
      ...modelWidgets,
      {
        type: "alarm",
        x: 12,
        y: 6,
        width: 12,
        height: 6,
        properties: {
          title: "Alarms",
          alarms: [requestsAlarm.arn, deadLetterAlarm.arn, workerErrorsAlarm.arn],
        },
      },
    ],
  }),
});
