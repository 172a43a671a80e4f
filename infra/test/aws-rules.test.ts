/**
 * What passes locally must hold on AWS (issue 11): the rules AWS applies that ArtAI's own
 * emulators cannot show, checked on the production stage under Pulumi mocks (harness.ts). One
 * `describe` per point of the issue, numbered as there; each asserts on the resources the program
 * registered, their inputs and their dependencies.
 */
import { describe, expect, test } from "vitest";
import {
  BREAKER_ALARM_ENV,
  BREAKER_FILTER_POLICY_SCOPE,
  breakerFilterPolicy,
  EDGE_READ_TIMEOUT_SECONDS,
  MAX_WAIT_SECONDS,
  requestAlarmName,
  UPLOAD_PREFIX,
} from "../../packages/core/src/contract/index.ts";
import type { Registered } from "./harness.ts";
import type { Json } from "./json.ts";
import { ACCOUNT, REGION } from "./mocks.ts";
import { config, DOMAIN, LAMBDA, REPLICA_REGION, run, useProductionRun } from "./production.ts";

const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";

useProductionRun();

const key = (r: Registered) => `${r.type}::${r.name}`;
/** Whether Pulumi creates `dependency` before `resource`. */
const dependsOn = (resource: Registered, dependency: Registered) =>
  resource.dependencies.includes(key(dependency));

describe("1. the spend breaker hears only the request alarm", () => {
  test("1. the breaker's subscription filters on the request alarm's name, in the message body", () => {
    const alarm = run.get("aws:cloudwatch/metricAlarm:MetricAlarm", "RequestsAlarm");
    expect(alarm.inputs.name).toBe(requestAlarmName("production"));
    const breaker = run.get(LAMBDA, "AlertsSubscriberBreakerFunctionFunction");
    const subscriptions = run.find(
      SUBSCRIPTION,
      (s) => s.inputs.protocol === "lambda" && s.inputs.endpoint === breaker.state.arn,
    );
    expect(subscriptions).toHaveLength(1);
    const [subscription] = subscriptions as [Registered];
    expect(JSON.parse(subscription.inputs.filterPolicy)).toEqual(breakerFilterPolicy("production"));
    expect(subscription.inputs.filterPolicyScope).toBe(BREAKER_FILTER_POLICY_SCOPE);
    expect(subscription.inputs.filterPolicyScope).toBe("MessageBody");
    // The filter names exactly the alarm that is deployed, not a look-alike.
    expect(JSON.parse(subscription.inputs.filterPolicy).AlarmName).toEqual([alarm.inputs.name]);
    // The handler's second guard obeys the same alarm.
    expect(breaker.inputs.environment.variables[BREAKER_ALARM_ENV]).toBe(alarm.inputs.name);
    // The e-mail subscription stays unfiltered: operators hear every alarm.
    const email = run.find(SUBSCRIPTION, (s) => s.inputs.protocol === "email");
    expect(email).toHaveLength(1);
    expect(email[0]?.inputs.filterPolicy).toBeUndefined();
  });

  test("1. the other alarms publish to the same topic, and the filter keeps them from the breaker", () => {
    const topic = run.get("aws:sns/topic:Topic", "AlertsTopic").state.arn;
    const [subscription] = run.find(SUBSCRIPTION, (s) => s.inputs.protocol === "lambda");
    const accepted: string[] = JSON.parse(subscription?.inputs.filterPolicy).AlarmName;
    for (const name of ["DeadLetterAlarm", "WorkerErrorsAlarm"]) {
      const alarm = run.get("aws:cloudwatch/metricAlarm:MetricAlarm", name);
      expect(alarm.inputs.alarmActions).toEqual([topic]);
      expect(alarm.inputs.okActions).toEqual([topic]);
      expect(accepted).not.toContain(alarm.state.name);
    }
  });
});

describe("2. the long poll fits CloudFront", () => {
  test("2. the /api route's origin readTimeout is the contract's, at least the longest wait plus 5 s", () => {
    const route = run
      .ofType(DYNAMIC)
      .find((r) => r.name.includes("/api") && r.inputs.entries?.metadata !== undefined);
    const metadata = JSON.parse(route?.inputs.entries.metadata);
    expect(metadata.origin.timeouts.readTimeout).toBe(EDGE_READ_TIMEOUT_SECONDS);
    expect(metadata.origin.timeouts.readTimeout).toBeGreaterThanOrEqual(MAX_WAIT_SECONDS + 5);
    // CloudFront's standard maximum for an origin's response timeout is 60 s.
    expect(metadata.origin.timeouts.readTimeout).toBeLessThanOrEqual(60);
  });

  test("2. the API answers within the edge's timeout: its Lambda's timeout is below it and above the wait", () => {
    const timeout = run.get(LAMBDA, "ApiHandlerFunction").inputs.timeout;
    expect(timeout).toBeGreaterThan(MAX_WAIT_SECONDS);
    // API Gateway's HTTP API gives an integration at most 30 s.
    expect(timeout).toBeLessThan(30);
    expect(timeout).toBeLessThan(EDGE_READ_TIMEOUT_SECONDS);
  });
});

describe("3. the SageMaker model image is pinned by digest", () => {
  test("3. the Model's image is `repository@sha256:<64 hex>`, the form CreateModel accepts", () => {
    const model = run.get("aws:sagemaker/model:Model", "InferenceModel");
    const repository = run.get("aws:ecr/repository:Repository", "ModelRepository");
    const [image] = run.ofType("docker-build:index:Image");
    const pinned: string = model.inputs.primaryContainer.image;
    // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html
    expect(pinned).toMatch(
      /^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$/,
    );
    expect(pinned).toBe(`${repository.state.repositoryUrl}@${image?.state.digest}`);
    // Not the build's `ref` (a tag and a digest), which CreateModel cannot parse.
    expect(pinned).not.toBe(image?.state.ref);
    expect(pinned).not.toContain(":latest");
  });
});

describe("4. the queue accepts S3's messages from our bucket only", () => {
  test("4. the queue policy lets S3 send for the uploads bucket and our account, and no one else", () => {
    const queue = run.get("aws:sqs/queue:Queue", "QueueQueue");
    const bucket = run.get("aws:s3/bucket:Bucket", "UploadsBucket");
    const policies = run.ofType("aws:sqs/queuePolicy:QueuePolicy");
    expect(policies).toHaveLength(1);
    const [policy] = policies as [Registered];
    expect(policy.inputs.queueUrl).toBe(queue.state.url);
    const statements = JSON.parse(policy.inputs.policy).Statement;
    expect(statements).toEqual([
      {
        Effect: "Allow",
        Action: ["sqs:SendMessage"],
        Resource: [queue.state.arn],
        Principal: [{ type: "Service", identifiers: ["s3.amazonaws.com"] }],
        Condition: [
          { test: "ArnEquals", variable: "aws:SourceArn", values: [bucket.state.arn] },
          { test: "StringEquals", variable: "aws:SourceAccount", values: [ACCOUNT] },
        ],
      },
    ]);
  });

  test("4. the bucket notification sends uploads/ ObjectCreated events and depends on that policy", () => {
    const notifications = run.ofType("aws:s3/bucketNotification:BucketNotification");
    expect(notifications).toHaveLength(1);
    const [notification] = notifications as [Registered];
    const queue = run.get("aws:sqs/queue:Queue", "QueueQueue");
    expect(notification.inputs.bucket).toBe(
      run.get("aws:s3/bucket:Bucket", "UploadsBucket").state.bucket,
    );
    expect(notification.inputs.queues).toEqual([
      expect.objectContaining({
        queueArn: queue.state.arn,
        events: ["s3:ObjectCreated:*"],
        filterPrefix: UPLOAD_PREFIX,
      }),
    ]);
    const [policy] = run.ofType("aws:sqs/queuePolicy:QueuePolicy");
    expect(dependsOn(notification, policy as Registered)).toBe(true);
  });

  test("4. the messaging key lets S3 (and CloudWatch) use it with no condition AWS does not document", () => {
    const keyPolicy = JSON.parse(run.get("aws:kms/key:Key", "MessagingKey").inputs.policy);
    const forS3 = keyPolicy.Statement.filter((s: Json) =>
      [s.Principal?.Service ?? []].flat().includes("s3.amazonaws.com"),
    );
    expect(forS3).toHaveLength(1);
    expect(forS3[0].Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
    expect(forS3[0].Condition).toBeUndefined();
    const forCloudWatch = keyPolicy.Statement.filter((s: Json) =>
      [s.Principal?.Service ?? []].flat().includes("cloudwatch.amazonaws.com"),
    );
    expect(forCloudWatch).toHaveLength(1);
    expect(forCloudWatch[0].Condition).toBeUndefined();
  });
});

describe("6. the Next.js server is reachable only through CloudFront", () => {
  test("6. the Router protects Lambda origins with OAC, and the site's server URL requires IAM", () => {
    const distribution = run.get(
      "aws:cloudfront/distribution:Distribution",
      "RouterCdnDistribution",
    );
    expect(distribution.inputs.tags["sst:ref:protection"]).toBe("oac");
    // "oac" needs no Lambda@Edge: the site sends no request body to its server.
    expect(distribution.inputs.defaultCacheBehavior.lambdaFunctionAssociations ?? []).toEqual([]);

    const servers = run.ofType(LAMBDA).filter((f) => f.name.startsWith("WebServer"));
    expect(servers.length).toBeGreaterThan(0);
    const urls = run
      .ofType("aws:lambda/functionUrl:FunctionUrl")
      .filter((u) => u.name.startsWith("WebServer"));
    expect(urls.length).toBe(servers.length);
    for (const url of urls) expect(url.inputs.authorizationType).toBe("AWS_IAM");

    const permissions = run.ofType("aws:lambda/permission:Permission");
    // No public invoke permission on any of the site's functions.
    expect(
      permissions.filter((p) => p.name.startsWith("Web") && p.inputs.principal === "*"),
    ).toEqual([]);
    for (const server of servers) {
      const forServer = permissions.filter((p) => p.inputs.function === server.state.name);
      expect(forServer.length).toBeGreaterThan(0);
      for (const permission of forServer) {
        expect(permission.inputs).toMatchObject({
          principal: "cloudfront.amazonaws.com",
          sourceArn: distribution.state.arn,
        });
      }
    }

    // The edge signs its requests to the server with SigV4 (the site's route metadata).
    const site = run.ofType(DYNAMIC).find((r) => r.name.startsWith("WebKvKeys"));
    const metadata = JSON.parse(site?.inputs.entries.metadata);
    expect(metadata.origin.originAccessControlConfig).toMatchObject({
      enabled: true,
      signingBehavior: "always",
      signingProtocol: "sigv4",
      originType: "lambda",
    });
  });
});

describe("8. deploy ordering", () => {
  test("8. the SageMaker Model (so its EndpointConfig and Endpoint) depends on its role policy", () => {
    const model = run.get("aws:sagemaker/model:Model", "InferenceModel");
    const rolePolicy = run.get("aws:iam/rolePolicy:RolePolicy", "ModelRolePolicy");
    const role = run.get("aws:iam/role:Role", "ModelRole");
    expect(rolePolicy.inputs.role).toBe(role.id);
    expect(dependsOn(model, rolePolicy)).toBe(true);
    const endpointConfig = run.get(
      "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
      "InferenceEndpointConfig",
    );
    const endpoint = run.get("aws:sagemaker/endpoint:Endpoint", "InferenceEndpoint");
    expect(dependsOn(endpointConfig, model)).toBe(true);
    expect(dependsOn(endpoint, endpointConfig)).toBe(true);
  });

  test("8. each replication configuration depends on its replication role policy", () => {
    for (const name of ["Uploads", "Outputs"]) {
      const replication = run.get(
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        `${name}Replication`,
      );
      const policy = run.get("aws:iam/rolePolicy:RolePolicy", `${name}ReplicationPolicy`);
      expect(policy.inputs.role).toBe(run.get("aws:iam/role:Role", `${name}ReplicationRole`).id);
      expect(dependsOn(replication, policy)).toBe(true);
      // And on versioning of the replica bucket.
      expect(
        dependsOn(
          replication,
          run.get("aws:s3/bucketVersioning:BucketVersioning", `${name}ReplicaVersioning`),
        ),
      ).toBe(true);
    }
  });
});

describe("9. stage config guards", () => {
  test("9. production refuses to deploy without a domain, and says how to set one", () => {
    for (const env of [{}, { ARTAI_DOMAIN: "" }, { ARTAI_DOMAIN: "  " }]) {
      expect(() => config.stageConfig("production", env)).toThrow(
        /production stage and needs a domain: set ARTAI_DOMAIN/,
      );
    }
    expect(config.stageConfig("production", { ARTAI_DOMAIN: DOMAIN }).domain).toBe(DOMAIN);
    // Other stages may go without one (the site is then on its *.cloudfront.net name).
    expect(config.stageConfig("pr-42", {}).domain).toBeUndefined();
    // The stage this program ran uses the domain it was given, not a placeholder.
    expect(config.stage.domain).toBe(DOMAIN);
    expect(
      run.get("aws:cloudfront/distribution:Distribution", "RouterCdnDistribution").inputs.aliases,
    ).toEqual([DOMAIN]);
  });

  test("9. the replica region must differ from the home region", () => {
    expect(() => config.assertReplicaRegion(REGION, REGION)).toThrow(
      /replica region must differ from the home region, but both are us-east-1: set ARTAI_REPLICA_REGION/,
    );
    expect(() => config.assertReplicaRegion(REGION, REPLICA_REGION)).not.toThrow();
    const provider = run.ofType("pulumi:providers:aws").find((p) => p.name === "ReplicaRegion");
    expect(provider?.inputs.region).toBe(REPLICA_REGION);
  });
});
