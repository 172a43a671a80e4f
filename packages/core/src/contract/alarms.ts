/**
 * The request alarm and the spend breaker's subscription to it, declared once for infra
 * (infra/monitoring.ts) and every other reader (docs/infra.md). Browser-safe: no imports.
 *
 * Three alarms publish to the one alert topic (requests, dead-letter queue, worker errors), and
 * only the request alarm may pause job creation. So the breaker's SNS subscription carries a filter
 * policy on the alarm notification's JSON body (`filterPolicyScope: "MessageBody"`):
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering-scope.html
 */

/** The 24-hour API request count above which the operators get an e-mail. */
export const REQUEST_ALARM_THRESHOLD = 10_000;

/**
 * The request alarm's rule, as CloudWatch evaluates it: API Gateway's `Count` of the HTTP API
 * (infra adds the `ApiId` dimension; a REST API's would be `ApiName`, and the wrong one never
 * fires: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html),
 * summed over one day and judged once, above the threshold. Missing data is not a breach
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data).
 */
export const REQUEST_ALARM = {
  namespace: "AWS/ApiGateway",
  metricName: "Count",
  statistic: "Sum",
  period: 24 * 60 * 60,
  evaluationPeriods: 1,
  threshold: REQUEST_ALARM_THRESHOLD,
  comparisonOperator: "GreaterThanThreshold",
  treatMissingData: "notBreaching",
} as const;

/**
 * The request alarm's CloudWatch name for a stage. The name says what the alarm means, so the
 * e-mail subject (`ALARM: "<name>" in <region>`) does too.
 */
export const requestAlarmName = (stage: string, threshold: number = REQUEST_ALARM_THRESHOLD) =>
  `artai-${stage}-requests-over-${threshold}-in-24h`;

/** SNS applies the breaker's filter policy to the message body, not to message attributes. */
export const BREAKER_FILTER_POLICY_SCOPE = "MessageBody" as const;

/** An SNS subscription filter policy: property names to lists of accepted values (or nested). */
export type FilterPolicy = { [property: string]: readonly unknown[] | FilterPolicy };

/**
 * The breaker's subscription filter policy: deliver only notifications whose `AlarmName` is the
 * request alarm's (an exact string match). CloudWatch's alarm notification is a JSON object with
 * `AlarmName` at its top level.
 */
export const breakerFilterPolicy = (
  stage: string,
  threshold: number = REQUEST_ALARM_THRESHOLD,
): FilterPolicy => ({ AlarmName: [requestAlarmName(stage, threshold)] });

/**
 * The environment variable that tells the breaker's handler which alarm it obeys (a second guard
 * behind the filter policy: a notification of any other alarm changes nothing).
 */
export const BREAKER_ALARM_ENV = "ARTAI_BREAKER_ALARM";
