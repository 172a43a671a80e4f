/** The production program (production.ts): infra/monitoring.ts: the alarms, the spend breaker and the dashboard. */
import { expect, test } from "vitest";
import {
  REQUEST_ALARM,
  REQUEST_ALARM_THRESHOLD,
  requestAlarmName,
} from "../../packages/core/src/contract/index.ts";
import type { Json } from "./json.ts";
import { ALERT_EMAIL, allows, config, describeProduction, KEY, run } from "./production.ts";

/** The topic every alarm notifies. */
const alerts = () => run.get("aws:sns/topic:Topic", "AlertsTopic");

describeProduction("7. monitoring", () => {
  test("7. 10,000-requests alarm on the HTTP API's Count (ApiId) e-mails the SNS topic, address from a secret", () => {
    const alarm = run.get("aws:cloudwatch/metricAlarm:MetricAlarm", "RequestsAlarm");
    const topic = alerts();
    expect(alarm.inputs).toMatchObject({
      // The contract's rule: AWS/ApiGateway Count, Sum, above REQUEST_ALARM_THRESHOLD,
      // missing data not breaching.
      ...REQUEST_ALARM,
      // The e-mail subject carries the alarm name; it matches the local stack's.
      name: requestAlarmName("production"),
      dimensions: { ApiId: run.get("aws:apigatewayv2/api:Api", "ApiApi").id },
      alarmActions: [topic.state.arn],
      okActions: [topic.state.arn],
    });
    expect(alarm.inputs.threshold).toBe(REQUEST_ALARM_THRESHOLD);
    // "In 24 hours": one period of a day, judged once.
    expect(alarm.inputs.period * alarm.inputs.evaluationPeriods).toBe(24 * 60 * 60);
    // The status page charts requests against the same threshold.
    expect(
      Number(run.lambdaOf("ApiHandler").inputs.environment.variables.ARTAI_ALARM_THRESHOLD),
    ).toBe(alarm.inputs.threshold);
    const email = run
      .ofType("aws:sns/topicSubscription:TopicSubscription")
      .find((s) => s.inputs.protocol === "email");
    expect(email?.inputs).toMatchObject({ topic: topic.state.arn, endpoint: ALERT_EMAIL });
  });

  test("7. spend breaker: the alert topic invokes the breaker Lambda, which may write the Jobs table", () => {
    const topic = alerts();
    const breaker = run.lambdaOf("AlertsSubscriberBreakerFunction");
    const subscription = run
      .ofType("aws:sns/topicSubscription:TopicSubscription")
      .find((s) => s.inputs.protocol === "lambda");
    expect(subscription?.inputs).toMatchObject({
      topic: topic.state.arn,
      endpoint: breaker.state.arn,
    });
    const permission = run
      .ofType("aws:lambda/permission:Permission")
      .find((p) => p.inputs.principal === "sns.amazonaws.com");
    expect(permission?.inputs).toMatchObject({
      action: "lambda:InvokeFunction",
      function: breaker.state.arn,
      sourceArn: topic.state.arn,
    });
    expect(config.stage.breaker).toBe(true);
  });

  test("7. alarms on dead-letter queue depth > 0 and on worker errors", () => {
    const topic = alerts().state.arn;
    const dlq = run.get("aws:cloudwatch/metricAlarm:MetricAlarm", "DeadLetterAlarm");
    expect(dlq.inputs).toMatchObject({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: run.get("aws:sqs/queue:Queue", "DeadLetterQueueQueue").state.name },
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      alarmActions: [topic],
    });
    const errors = run.get("aws:cloudwatch/metricAlarm:MetricAlarm", "WorkerErrorsAlarm");
    expect(errors.inputs).toMatchObject({
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: run.lambdaOf("Worker").state.name },
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      alarmActions: [topic],
    });
  });

  test("7. a CloudWatch dashboard shows the API count, queue depths, the worker and the alarms", () => {
    const dashboard = run.get("aws:cloudwatch/dashboard:Dashboard", "Dashboard");
    const body = JSON.parse(dashboard.inputs.dashboardBody);
    const metrics = body.widgets.flatMap((w: Json) => w.properties.metrics ?? []);
    expect(metrics).toContainEqual([
      "AWS/ApiGateway",
      "Count",
      "ApiId",
      run.get("aws:apigatewayv2/api:Api", "ApiApi").id,
    ]);
    for (const queue of ["QueueQueue", "DeadLetterQueueQueue"]) {
      expect(metrics).toContainEqual([
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "QueueName",
        run.get("aws:sqs/queue:Queue", queue).state.name,
      ]);
    }
    const alarms = body.widgets.flatMap((w: Json) => w.properties.alarms ?? []);
    expect(alarms).toEqual(
      ["RequestsAlarm", "DeadLetterAlarm", "WorkerErrorsAlarm"].map((a) =>
        run.arnOf("aws:cloudwatch/metricAlarm:MetricAlarm", a),
      ),
    );
  });

  test("7. SQS and SNS are encrypted with a customer-managed key that CloudWatch may use", () => {
    const key = run.get(KEY, "MessagingKey");
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(alerts().inputs.kmsMasterKeyId).toBe(key.state.arn);
    for (const queue of run.ofType("aws:sqs/queue:Queue")) {
      if (queue.name.startsWith("Web")) continue;
      expect(queue.inputs.kmsMasterKeyId).toBe(key.state.arn);
    }
    const services = JSON.parse(key.inputs.policy).Statement.flatMap(
      (s: Json) => s.Principal?.Service ?? [],
    );
    expect(services).toContain("cloudwatch.amazonaws.com");
    // The worker polls the encrypted queue, so its role may decrypt with this key.
    expect(allows(run.statementsOf("Worker"), "kms:Decrypt").flatMap((s) => s.Resource)).toContain(
      key.state.arn,
    );
  });
});
