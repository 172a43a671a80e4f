/**
 * The production stage of ArtAI's SST program, run under Pulumi mocks (see harness.ts).
 * One test per requirement of the infrastructure issue, numbered as in the issue; each
 * asserts on the AWS resources the program registered and the inputs it gave them.
 */
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { REPLICATION } from "../../packages/core/src/contract/index.ts";
import { SECRET_HEADER, VIEWER_HEADER } from "../../packages/core/src/edge/index.ts";
import {
  inlineStatements,
  type ProgramRun,
  type Registered,
  repoRoot,
  runProgram,
  type Statement,
  unknownCalls,
} from "./harness.ts";
import type { Json } from "./json.ts";

const DOMAIN = "photos.artai.test";
const REPLICA_REGION = "eu-central-1";
const ALERT_EMAIL = "operators@artai.test";
const EDGE_SECRET = "edge-secret-for-tests";
const S3 = "aws:s3/bucket:Bucket";
const KEY = "aws:kms/key:Key";
const LAMBDA = "aws:lambda/function:Function";
const ROLE = "aws:iam/role:Role";

let run: ProgramRun;
let config: typeof import("../config.ts");

beforeAll(async () => {
  run = await runProgram({
    stage: "production",
    secrets: {
      AlertEmail: ALERT_EMAIL,
      StatusToken: "status-token-for-tests",
      EdgeSecret: EDGE_SECRET,
    },
    env: { ARTAI_DOMAIN: DOMAIN, ARTAI_REPLICA_REGION: REPLICA_REGION },
  });
  config = await import("../config.ts");
});

afterAll(() => run?.dispose());

const arnOf = (type: string, name: string) => run.get(type, name).state.arn as string;
const lambdaOf = (fn: string) => run.get(LAMBDA, `${fn}Function`);
const statementsOf = (fn: string) => inlineStatements(run.get(ROLE, `${fn}Role`));
const linksOf = (fn: string) => {
  const build = run.rpc.builds.find((b) => b.functionID === fn);
  if (!build) throw new Error(`no build for ${fn}`);
  return Object.keys(build.links).sort();
};
const allows = (statements: Statement[], action: string) =>
  statements.filter((s) => s.Effect === "Allow" && s.Action.includes(action));
/** The provider resource a resource was registered with (`urn::id` → the provider). */
const providerOf = (resource: Registered) => {
  const id = resource.provider?.split("::").pop();
  return run.ofType("pulumi:providers:aws").find((p) => p.id === id);
};

describe("0. the program", () => {
  test("0. runs offline without errors, and every provider lookup is answered", () => {
    expect(run.errors).toEqual([]);
    expect([...unknownCalls]).toEqual([]);
    expect(run.resources.length).toBeGreaterThan(150);
  });
});

describe("1. sst.config.ts and infra/", () => {
  test("1. app is named artai; production is protected and retained, other stages removable", async () => {
    const { default: sstConfig } = await import("../../sst.config.ts");
    const production = await sstConfig.app({ stage: "production" });
    const preview = await sstConfig.app({ stage: "pr-42" });
    expect(production).toMatchObject({ name: "artai", protect: true, removal: "retain" });
    expect(preview).toMatchObject({ name: "artai", protect: false, removal: "remove" });
    // SST's runner records `$app.protect` in the stack outputs; `sst remove` refuses then.
    expect(run.outputs._protect).toBe(true);
    // Deletion protection on the one stateful resource AWS can protect by itself.
    expect(run.get("aws:dynamodb/table:Table", "JobsTable").inputs.deletionProtectionEnabled).toBe(
      true,
    );
    // Retain: the data, and the keys it is encrypted with, outlive the program.
    const stateful = [
      ...["UploadsBucket", "OutputsBucket", "UploadsReplica", "OutputsReplica"].map((n) =>
        run.get(S3, n),
      ),
      run.get("aws:dynamodb/table:Table", "JobsTable"),
      ...run.ofType(KEY),
    ];
    expect(stateful).toHaveLength(9);
    for (const resource of stateful)
      expect([resource.name, resource.retainOnDelete]).toEqual([resource.name, true]);
  });

  test("1. sst.config.ts only imports infra/*.ts files and returns outputs", () => {
    const file = path.join(repoRoot, "sst.config.ts");
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
    const imports: string[] = [];
    let constructs = 0;
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const [arg] = node.arguments;
        if (arg && ts.isStringLiteral(arg)) imports.push(arg.text);
      }
      if (ts.isNewExpression(node)) constructs++;
      ts.forEachChild(node, visit);
    };
    visit(source);
    expect(constructs).toBe(0);
    expect(imports.length).toBeGreaterThanOrEqual(8);
    for (const specifier of imports) expect(specifier).toMatch(/^\.\/infra\/[a-z-]+\.ts$/);
    for (const key of ["url", "api", "uploads", "outputs", "jobs", "queue", "modelEndpoint"]) {
      expect(run.outputs).toHaveProperty(key);
    }
  });
});

describe("2. edge", () => {
  test("2. Router serves the stage's domain: ACM certificate validated in Route 53, alias records", () => {
    const certificate = run.ofType("aws:acm/certificate:Certificate");
    expect(certificate).toHaveLength(1);
    expect(certificate[0]?.inputs).toMatchObject({ domainName: DOMAIN, validationMethod: "DNS" });
    // CloudFront only accepts certificates from us-east-1.
    expect(providerOf(certificate[0] as Registered)?.inputs.region).toBe("us-east-1");

    const records = run.ofType("aws:route53/record:Record");
    const validation = records.find((r) => r.inputs.type === "CNAME");
    expect(validation?.inputs.name).toBe(
      certificate[0]?.state.domainValidationOptions[0].resourceRecordName,
    );
    const distribution = run.get(
      "aws:cloudfront/distribution:Distribution",
      "RouterCdnDistribution",
    );
    expect(distribution.inputs.aliases).toEqual([DOMAIN]);
    expect(distribution.inputs.viewerCertificate.acmCertificateArn).toBe(certificate[0]?.state.arn);
    for (const type of ["A", "AAAA"]) {
      const alias = records.find((r) => r.inputs.type === type);
      expect(alias?.inputs.name).toBe(DOMAIN);
      expect(alias?.inputs.aliases[0].name).toBe(distribution.state.domainName);
    }
  });

  test("2. WAF on the distribution: AWS managed common rules and a per-IP rate-based rule", () => {
    const [acl] = run.ofType("aws:wafv2/webAcl:WebAcl");
    expect(acl?.inputs.scope).toBe("CLOUDFRONT");
    const rules: Json[] = acl?.inputs.rules ?? [];
    const rate = rules.find((r) => r.statement.rateBasedStatement);
    expect(rate.statement.rateBasedStatement.aggregateKeyType).toBe("IP");
    expect(rate.statement.rateBasedStatement.limit).toBeGreaterThan(0);
    expect(rate.action).toEqual({ block: {} });
    const managed = rules.map((r) => r.statement.managedRuleGroupStatement).filter(Boolean);
    expect(managed).toContainEqual(
      expect.objectContaining({ vendorName: "AWS", name: "AWSManagedRulesCommonRuleSet" }),
    );
    const distribution = run.get(
      "aws:cloudfront/distribution:Distribution",
      "RouterCdnDistribution",
    );
    expect(distribution.inputs.webAclId).toBe(acl?.state.arn);
  });

  test("2. the edge stamps every request with the API's secret and the viewer's address, overwriting the client's", async () => {
    const fn = run.get("aws:cloudfront/function:Function", "RouterCloudfrontFunctionRequest");
    const distribution = run.get(
      "aws:cloudfront/distribution:Distribution",
      "RouterCdnDistribution",
    );
    expect(distribution.inputs.defaultCacheBehavior.functionAssociations).toContainEqual({
      eventType: "viewer-request",
      functionArn: fn.state.arn,
    });
    // Run the function's code as CloudFront would, on a request whose client forged both headers.
    const code: string = fn.inputs.code;
    const source = code
      .replace(/^\s*import cf from "cloudfront";/m, "")
      .concat("\nreturn handler;");
    const handler = new Function("cf", source)({
      kvs: () => ({ get: async () => Promise.reject(new Error("no route")) }),
    });
    const request = {
      method: "GET",
      uri: "/api/jobs",
      querystring: {},
      cookies: {},
      headers: {
        host: { value: DOMAIN },
        [SECRET_HEADER]: { value: "guess" },
        [VIEWER_HEADER]: { value: "203.0.113.1" },
      },
    };
    // The routing after the injection looks up the Router's KeyValueStore, which is not here.
    await handler({ request, viewer: { ip: "198.51.100.7" } }).catch(() => undefined);
    expect(request.headers[SECRET_HEADER]).toEqual({ value: EDGE_SECRET });
    expect(request.headers[VIEWER_HEADER]).toEqual({ value: "198.51.100.7" });
    // The API reads that secret through its link (and admits nothing without it).
    const build = run.rpc.builds.find((b) => b.functionID === "ApiHandler");
    expect(build?.links.EdgeSecret).toMatchObject({ value: EDGE_SECRET });
  });

  test("2. routes: /api/* to the HTTP API, everything else to Next.js (packages/web)", () => {
    const dynamic = run.ofType("pulumi-nodejs:dynamic:Resource");
    const api = run.get("aws:apigatewayv2/api:Api", "ApiApi");
    const apiRoute = dynamic.find((r) => r.inputs.entry?.endsWith(",/api"));
    expect(apiRoute?.inputs.entry).toMatch(/^url,/);
    const apiOrigin = dynamic.find(
      (r) => r.name.includes("/api") && r.inputs.entries?.metadata !== undefined,
    );
    expect(JSON.parse(apiOrigin?.inputs.entries.metadata).host).toBe(
      new URL(api.state.apiEndpoint).host,
    );
    // The site is the Router's catch-all route ("site" with no path), served by the
    // Next.js server function built from the OpenNext output of packages/web.
    const siteRoute = dynamic.find((r) => r.inputs.entry?.startsWith("site,"));
    expect(siteRoute?.inputs.entry).toMatch(/^site,[0-9a-f]+,,$/);
    const builder = run.get("command:local:Command", "WebBuilder");
    expect(path.relative(run.root, builder.inputs.dir)).toBe(path.join("packages", "web"));
    const server = run.ofType(LAMBDA).find((f) => f.name.startsWith("WebServer"));
    expect(server?.inputs.handler).toMatch(/index\.handler$/);
    // The site's Content-Security-Policy allows the object store that serves the presigned links.
    expect(server?.inputs.environment.variables.ARTAI_STORAGE_ORIGIN).toBe(
      "https://s3.us-east-1.amazonaws.com",
    );
    const serverBuild = run.rpc.builds.find((b) => b.functionID.startsWith("WebServer"));
    expect(serverBuild?.errors).toEqual([]);
    const kv = dynamic.find((r) => r.name.startsWith("WebKvKeys"));
    const metadata = JSON.parse(kv?.inputs.entries.metadata);
    expect(metadata.servers[0][0]).toBe(
      new URL(
        run.get("aws:lambda/functionUrl:FunctionUrl", "WebServerUseast1Url").state.functionUrl,
      ).host,
    );
  });
});

describe("3. API", () => {
  test("3. HTTP API (API Gateway v2) routes the API contract to the api handler", () => {
    const api = run.get("aws:apigatewayv2/api:Api", "ApiApi");
    expect(api.inputs.protocolType).toBe("HTTP");
    // The stage throttles every route, including calls to the API's own URL that skip WAF.
    const stage = run.get("aws:apigatewayv2/stage:Stage", "ApiStage");
    expect(stage.inputs.apiId).toBe(api.id);
    expect(stage.inputs.defaultRouteSettings.throttlingRateLimit).toBeGreaterThan(0);
    expect(stage.inputs.defaultRouteSettings.throttlingBurstLimit).toBeGreaterThanOrEqual(
      stage.inputs.defaultRouteSettings.throttlingRateLimit,
    );
    const routes = run.ofType("aws:apigatewayv2/route:Route");
    const keys = routes.map((r) => r.inputs.routeKey);
    for (const key of [
      "GET /api/health",
      "GET /api/styles",
      "POST /api/jobs",
      "GET /api/jobs",
      "GET /api/jobs/{id}",
      "DELETE /api/jobs/{id}",
      "GET /api/status",
      "ANY /api/{proxy+}",
    ]) {
      expect(keys).toContain(key);
    }
    const handlerArn = lambdaOf("ApiHandler").state.arn;
    for (const route of routes) {
      expect(route.inputs.apiId).toBe(api.id);
      const integrationId = route.inputs.target.replace("integrations/", "");
      const integration = run
        .ofType("aws:apigatewayv2/integration:Integration")
        .find((i) => i.id === integrationId);
      expect(integration?.inputs).toMatchObject({
        integrationType: "AWS_PROXY",
        payloadFormatVersion: "2.0",
        integrationUri: handlerArn,
      });
    }
  });

  test("3. handlers are bundled from packages/functions and each function links only what it uses", () => {
    const handlers = Object.fromEntries(
      run.rpc.builds.filter((b) => b.entry).map((b) => [b.functionID, b]),
    );
    expect(handlers.ApiHandler?.entry).toBe("packages/functions/src/api.ts");
    expect(handlers.Worker?.entry).toBe("packages/functions/src/worker.ts");
    expect(handlers.SweeperHandler?.entry).toBe("packages/functions/src/sweeper.ts");
    expect(handlers.AlertsSubscriberBreakerFunction?.entry).toBe(
      "packages/functions/src/breaker.ts",
    );
    for (const build of Object.values(handlers)) {
      expect(build.errors).toEqual([]);
      expect(build.exports).toContain("handler");
      // A native module cannot be bundled: SST must install it for the Lambda's platform.
      const bundledNative = build.packages.filter(
        (p) => p === "sharp" || p.startsWith("@img/sharp-"),
      );
      expect([build.functionID, bundledNative]).toEqual([build.functionID, []]);
    }
    expect(handlers.Worker?.install).toContain("sharp");
    // Least privilege: every link a function gets is read somewhere in its bundled code.
    for (const build of Object.values(handlers)) {
      const unused = Object.keys(build.links).filter((name) => !build.resources.includes(name));
      expect([build.functionID, unused]).toEqual([build.functionID, []]);
    }
    expect(linksOf("ApiHandler")).toEqual(
      [
        "DeadLetterQueue",
        "EdgeSecret",
        "Jobs",
        "Model",
        "Outputs",
        "OutputsReplica",
        "Queue",
        "StatusToken",
        "Uploads",
        "UploadsReplica",
      ].sort(),
    );
    expect(linksOf("Worker")).toEqual(["Jobs", "Model", "Outputs", "Queue", "Uploads"]);
    // The sweeper purges deleted jobs again, in both buckets and both replicas.
    expect(linksOf("SweeperHandler")).toEqual(
      ["Jobs", "Outputs", "OutputsReplica", "Queue", "Uploads", "UploadsReplica"].sort(),
    );
    expect(linksOf("AlertsSubscriberBreakerFunction")).toEqual(["Jobs"]);
    // Links grant nothing (test/permissions.test.ts): the breaker may update the Jobs table's
    // items, and nothing else.
    const breaker = statementsOf("AlertsSubscriberBreakerFunction");
    const jobsArn = run.get("aws:dynamodb/table:Table", "JobsTable").state.arn;
    expect(breaker.filter((s) => !s.Action.every((a) => a.startsWith("kms:")))).toEqual([
      expect.objectContaining({ Action: ["dynamodb:UpdateItem"], Resource: [jobsArn] }),
    ]);
    // Deployed Lambda roles trust the Lambda service only.
    for (const fn of ["ApiHandler", "Worker", "SweeperHandler"]) {
      expect(run.get(ROLE, `${fn}Role`).inputs.assumeRolePolicy.Statement).toEqual([
        expect.objectContaining({ Principal: { Service: "lambda.amazonaws.com" } }),
      ]);
    }
  });
});

describe("4. storage", () => {
  const buckets = ["Uploads", "Outputs"] as const;

  test("4. both buckets: versioning, SSE-KMS with a customer-managed key, Block Public Access, BucketOwnerEnforced", () => {
    const dataKey = run.get(KEY, "DataKey");
    expect(dataKey.inputs.enableKeyRotation).toBe(true);
    for (const name of buckets) {
      const bucket = run.get(S3, `${name}Bucket`).state.bucket;
      const versioning = run.get("aws:s3/bucketVersioning:BucketVersioning", `${name}Versioning`);
      expect(versioning.inputs).toMatchObject({
        bucket,
        versioningConfiguration: { status: "Enabled" },
      });
      const sse = run.get(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        `${name}Encryption`,
      );
      expect(sse.inputs.bucket).toBe(bucket);
      expect(sse.inputs.rules[0].applyServerSideEncryptionByDefault).toEqual({
        sseAlgorithm: "aws:kms",
        kmsMasterKeyId: dataKey.state.arn,
      });
      const block = run.get(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        `${name}PublicAccessBlock`,
      );
      expect(block.inputs).toMatchObject({
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      const ownership = run.get(
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        `${name}Ownership`,
      );
      expect(ownership.inputs).toEqual({
        bucket,
        rule: { objectOwnership: "BucketOwnerEnforced" },
      });
    }
  });

  test("4. CORS on both buckets allows only the site's origin", () => {
    for (const name of buckets) {
      const cors = run.get("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", `${name}Cors`);
      expect(cors.inputs.bucket).toBe(run.get(S3, `${name}Bucket`).state.bucket);
      for (const rule of cors.inputs.corsRules) {
        expect(rule.allowedOrigins).toEqual([`https://${DOMAIN}`]);
      }
    }
    const uploadsMethods = run
      .get("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", "UploadsCors")
      .inputs.corsRules.flatMap((r: Json) => r.allowedMethods);
    expect(uploadsMethods).toContain("POST");
  });

  test("4. lifecycle: noncurrent versions to a cheaper class after 30 days, expired after 365; multipart aborted after 7", () => {
    for (const name of [...buckets, ...buckets.map((b) => `${b}Replica`)]) {
      const lifecycle = run.get(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        `${name}Lifecycle`,
      );
      const rules: Json[] = lifecycle.inputs.rules;
      const noncurrent = rules.find((r) => r.noncurrentVersionTransitions);
      expect(noncurrent.status).toBe("Enabled");
      expect(noncurrent.noncurrentVersionTransitions).toEqual([
        { noncurrentDays: 30, storageClass: "STANDARD_IA" },
      ]);
      expect(noncurrent.noncurrentVersionExpiration).toEqual({ noncurrentDays: 365 });
      const multipart = rules.find((r) => r.abortIncompleteMultipartUpload);
      expect(multipart.abortIncompleteMultipartUpload).toEqual({ daysAfterInitiation: 7 });
    }
  });

  test("4. cross-region replication to versioned buckets in the configured secondary region, each with its own KMS key", () => {
    const dataKeyArn = arnOf(KEY, "DataKey");
    const replicaKeys = new Set<string>();
    for (const name of buckets) {
      const replication = run.get(
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        `${name}Replication`,
      );
      const replica = run.get(S3, `${name}Replica`);
      const key = run.get(KEY, `${name}ReplicaKey`);
      expect(providerOf(replica)?.inputs.region).toBe(REPLICA_REGION);
      expect(providerOf(key)?.inputs.region).toBe(REPLICA_REGION);
      expect(key.state.arn).not.toBe(dataKeyArn);
      replicaKeys.add(key.state.arn);

      expect(replication.inputs.bucket).toBe(run.get(S3, `${name}Bucket`).state.bucket);
      const [rule] = replication.inputs.rules;
      expect(rule.status).toBe("Enabled");
      expect(rule.destination.bucket).toBe(replica.state.arn);
      expect(rule.destination.encryptionConfiguration.replicaKmsKeyId).toBe(key.state.arn);
      expect(rule.sourceSelectionCriteria.sseKmsEncryptedObjects.status).toBe("Enabled");
      // From the one declaration the local S3 replicates by (REPLICATION in the contract).
      expect(rule.deleteMarkerReplication.status).toBe(
        REPLICATION.deleteMarkers ? "Enabled" : "Disabled",
      );

      const replicaVersioning = run.get(
        "aws:s3/bucketVersioning:BucketVersioning",
        `${name}ReplicaVersioning`,
      );
      expect(replicaVersioning.inputs).toMatchObject({
        bucket: replica.state.bucket,
        versioningConfiguration: { status: "Enabled" },
      });
      const replicaSse = run.get(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        `${name}ReplicaEncryption`,
      );
      expect(replicaSse.inputs.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId).toBe(
        key.state.arn,
      );
      // The replication role may decrypt the source and encrypt with the replica's key only.
      const role = run.get(ROLE, `${name}ReplicationRole`);
      expect(replication.inputs.role).toBe(role.state.arn);
      const policy = JSON.parse(
        run.get("aws:iam/rolePolicy:RolePolicy", `${name}ReplicationPolicy`).inputs.policy,
      ).Statement as Statement[];
      expect(allows(policy, "kms:Decrypt").flatMap((s) => s.Resource)).toEqual([dataKeyArn]);
      expect(allows(policy, "kms:Encrypt").flatMap((s) => s.Resource)).toEqual([key.state.arn]);
      expect(allows(policy, "s3:ReplicateObject").flatMap((s) => s.Resource)).toEqual([
        `${replica.state.arn}/*`,
      ]);
    }
    expect(replicaKeys.size).toBe(2);
  });

  test("4. deleting a job reaches the replicas: the API and the sweeper link each replica with its name and region, and may list and delete its versions", () => {
    for (const fn of ["ApiHandler", "SweeperHandler"]) {
      const build = run.rpc.builds.find((b) => b.functionID === fn);
      const statements = statementsOf(fn);
      for (const name of buckets) {
        const replica = run.get(S3, `${name}Replica`);
        expect(build?.links[`${name}Replica`]).toMatchObject({
          name: replica.state.bucket,
          region: REPLICA_REGION,
        });
        expect(allows(statements, "s3:ListBucketVersions").flatMap((s) => s.Resource)).toContain(
          replica.state.arn,
        );
        expect(allows(statements, "s3:DeleteObjectVersion").flatMap((s) => s.Resource)).toContain(
          `${replica.state.arn}/*`,
        );
      }
    }
  });

  test("4. Jobs table: ElectroDB single table (pk/sk, gsi1, gsi2) with point-in-time recovery and KMS", () => {
    const table = run.get("aws:dynamodb/table:Table", "JobsTable");
    expect(table.inputs).toMatchObject({ hashKey: "pk", rangeKey: "sk" });
    const attributes = Object.fromEntries(
      table.inputs.attributes.map((a: Json) => [a.name, a.type]),
    );
    expect(attributes).toEqual({
      pk: "S",
      sk: "S",
      gsi1pk: "S",
      gsi1sk: "S",
      gsi2pk: "S",
      gsi2sk: "S",
    });
    const indexes = Object.fromEntries(
      table.inputs.globalSecondaryIndexes.map((i: Json) => [i.name, [i.hashKey, i.rangeKey]]),
    );
    expect(indexes).toEqual({ gsi1: ["gsi1pk", "gsi1sk"], gsi2: ["gsi2pk", "gsi2sk"] });
    expect(table.inputs.pointInTimeRecovery).toEqual({ enabled: true });
    expect(table.inputs.ttl).toEqual({ attributeName: "expiresAt", enabled: true });
    expect(table.inputs.serverSideEncryption).toEqual({
      enabled: true,
      kmsKeyArn: arnOf(KEY, "DataKey"),
    });
  });
});

describe("5. queue", () => {
  test("5. jobs queue: DLQ after 5 receives, DLQ keeps 14 days (longer), visibility >= 6x worker timeout, KMS", () => {
    const queue = run.get("aws:sqs/queue:Queue", "QueueQueue");
    const dlq = run.get("aws:sqs/queue:Queue", "DeadLetterQueueQueue");
    const redrive = JSON.parse(queue.inputs.redrivePolicy);
    expect(redrive).toEqual({ deadLetterTargetArn: dlq.state.arn, maxReceiveCount: 5 });
    expect(dlq.inputs.messageRetentionSeconds).toBe(14 * 24 * 60 * 60);
    expect(dlq.inputs.messageRetentionSeconds).toBeGreaterThan(
      queue.inputs.messageRetentionSeconds,
    );
    const workerTimeout = lambdaOf("Worker").inputs.timeout;
    expect(workerTimeout).toBeGreaterThan(60);
    expect(queue.inputs.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * workerTimeout);
    const messagingKey = arnOf(KEY, "MessagingKey");
    expect(queue.inputs.kmsMasterKeyId).toBe(messagingKey);
    expect(dlq.inputs.kmsMasterKeyId).toBe(messagingKey);
  });

  test("5. S3 ObjectCreated events under uploads/ go to the queue (which S3 may use the key for)", () => {
    const [notification] = run.ofType("aws:s3/bucketNotification:BucketNotification");
    const queue = run.get("aws:sqs/queue:Queue", "QueueQueue");
    expect(notification?.inputs.bucket).toBe(run.get(S3, "UploadsBucket").state.bucket);
    expect(notification?.inputs.queues).toEqual([
      expect.objectContaining({
        queueArn: queue.state.arn,
        events: ["s3:ObjectCreated:*"],
        filterPrefix: "uploads/",
      }),
    ]);
    const [queuePolicy] = run.ofType("aws:sqs/queuePolicy:QueuePolicy");
    expect(queuePolicy?.inputs.queueUrl).toBe(queue.state.url);
    const keyPolicy = JSON.parse(run.get(KEY, "MessagingKey").inputs.policy);
    const services = keyPolicy.Statement.flatMap((s: Json) => s.Principal?.Service ?? []);
    expect(services).toContain("s3.amazonaws.com");
  });

  test("5. the worker subscribes with partial batch responses", () => {
    const queueArn = run.get("aws:sqs/queue:Queue", "QueueQueue").state.arn;
    const [mapping, ...others] = run.find(
      "aws:lambda/eventSourceMapping:EventSourceMapping",
      (m) => m.inputs.eventSourceArn === queueArn,
    );
    expect(others).toEqual([]);
    expect(mapping?.inputs).toMatchObject({
      eventSourceArn: queueArn,
      functionName: lambdaOf("Worker").state.arn,
      functionResponseTypes: ["ReportBatchItemFailures"],
    });
    expect(mapping?.inputs.scalingConfig.maximumConcurrency).toBeGreaterThanOrEqual(2);
  });
});

describe("6. model", () => {
  test("6. the ECR image is built from packages/model/Dockerfile and pushed to the model repository", () => {
    const [image] = run.ofType("docker-build:index:Image");
    const repository = run.get("aws:ecr/repository:Repository", "ModelRepository");
    // packages/model/Dockerfile builds from the workspace root (it installs with pnpm there).
    expect(image?.inputs.context.location).toBe(run.root);
    expect(realpathSync(image?.inputs.dockerfile.location)).toBe(
      path.join(repoRoot, "packages", "model", "Dockerfile"),
    );
    expect(image?.inputs.push).toBe(true);
    expect(image?.inputs.tags[0]).toMatch(new RegExp(`^${repository.state.repositoryUrl}:`));
    expect(repository.inputs.encryptionConfigurations).toEqual([
      { encryptionType: "KMS", kmsKey: arnOf(KEY, "DataKey") },
    ]);
    const model = run.get("aws:sagemaker/model:Model", "InferenceModel");
    // Pinned by digest (aws-rules.test.ts checks the form SageMaker accepts).
    expect(model.inputs.primaryContainer.image).toBe(
      `${repository.state.repositoryUrl}@${image?.state.digest}`,
    );
  });

  test("6. SageMaker Model, EndpointConfig and Endpoint in the private subnets, no public IP", () => {
    const subnets = run.ofType("aws:ec2/subnet:Subnet");
    const privateSubnets = subnets.filter((s) => s.name.includes("Private"));
    expect(privateSubnets.length).toBeGreaterThanOrEqual(2);
    for (const subnet of privateSubnets) expect(subnet.inputs.mapPublicIpOnLaunch).toBeFalsy();
    // Private route tables have no route to an internet or NAT gateway.
    for (const table of run.ofType("aws:ec2/routeTable:RouteTable")) {
      if (table.name.includes("Private")) expect(table.inputs.routes).toEqual([]);
    }
    expect(run.ofType("aws:ec2/natGateway:NatGateway")).toEqual([]);

    const model = run.get("aws:sagemaker/model:Model", "InferenceModel");
    expect(model.inputs.vpcConfig.subnets).toEqual(privateSubnets.map((s) => s.id));
    expect(model.inputs.vpcConfig.securityGroupIds).toEqual([
      run.get("aws:ec2/securityGroup:SecurityGroup", "ModelSecurityGroup").id,
    ]);
    expect(model.inputs.enableNetworkIsolation).toBe(true);
    const endpointConfig = run.get(
      "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
      "InferenceEndpointConfig",
    );
    expect(endpointConfig.inputs.productionVariants[0].modelName).toBe(model.state.name);
    expect(endpointConfig.inputs.kmsKeyArn).toBe(arnOf(KEY, "DataKey"));
    const endpoint = run.get("aws:sagemaker/endpoint:Endpoint", "InferenceEndpoint");
    expect(endpoint.inputs.endpointConfigName).toBe(endpointConfig.state.name);
  });

  test("6. VPC endpoints: interfaces for SageMaker Runtime and SQS, gateways for S3 and DynamoDB; the worker runs in the VPC", () => {
    const endpoints = run.ofType("aws:ec2/vpcEndpoint:VpcEndpoint");
    const byService = Object.fromEntries(endpoints.map((e) => [e.inputs.serviceName, e.inputs]));
    const privateSubnets = run
      .ofType("aws:ec2/subnet:Subnet")
      .filter((s) => s.name.includes("Private"))
      .map((s) => s.id);
    const privateTables = run
      .ofType("aws:ec2/routeTable:RouteTable")
      .filter((t) => t.name.includes("Private"))
      .map((t) => t.id);
    const endpointSg = run.get("aws:ec2/securityGroup:SecurityGroup", "EndpointSecurityGroup");
    // SageMaker Runtime for the model; SQS because the worker delays failed messages itself.
    for (const service of ["sagemaker.runtime", "sqs"]) {
      expect(byService[`com.amazonaws.us-east-1.${service}`]).toMatchObject({
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: privateSubnets,
        securityGroupIds: [endpointSg.id],
      });
    }
    for (const service of ["s3", "dynamodb"]) {
      expect(byService[`com.amazonaws.us-east-1.${service}`]).toMatchObject({
        vpcEndpointType: "Gateway",
        routeTableIds: privateTables,
      });
    }
    const workerSg = run.get("aws:ec2/securityGroup:SecurityGroup", "WorkerSecurityGroup");
    expect(lambdaOf("Worker").inputs.vpcConfig).toEqual({
      subnetIds: privateSubnets,
      securityGroupIds: [workerSg.id],
    });
    // The interface endpoints accept HTTPS from the worker's security group only.
    expect(endpointSg.inputs.ingress).toEqual([
      expect.objectContaining({ fromPort: 443, toPort: 443, securityGroups: [workerSg.id] }),
    ]);
  });

  test("6. target-tracking autoscaling on SageMakerVariantInvocationsPerInstance with the stage's min and max", () => {
    const endpoint = run.get("aws:sagemaker/endpoint:Endpoint", "InferenceEndpoint");
    const target = run.get("aws:appautoscaling/target:Target", "InferenceScalingTarget");
    expect(target.inputs).toMatchObject({
      serviceNamespace: "sagemaker",
      scalableDimension: "sagemaker:variant:DesiredInstanceCount",
      resourceId: `endpoint/${endpoint.state.name}/variant/AllTraffic`,
      minCapacity: config.stage.model.minInstances,
      maxCapacity: config.stage.model.maxInstances,
    });
    expect(target.inputs.maxCapacity).toBeGreaterThan(target.inputs.minCapacity);
    const policy = run.get("aws:appautoscaling/policy:Policy", "InferenceScalingPolicy");
    expect(policy.inputs.policyType).toBe("TargetTrackingScaling");
    expect(policy.inputs.resourceId).toBe(target.inputs.resourceId);
    expect(
      policy.inputs.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification,
    ).toEqual({ predefinedMetricType: "SageMakerVariantInvocationsPerInstance" });
  });

  test("6. only the worker may call sagemaker:InvokeEndpoint, and on that endpoint alone", () => {
    const endpointArn = arnOf("aws:sagemaker/endpoint:Endpoint", "InferenceEndpoint");
    const invoke = allows(statementsOf("Worker"), "sagemaker:InvokeEndpoint");
    expect(invoke.flatMap((s) => s.Resource)).toEqual([endpointArn]);
    for (const role of run.ofType(ROLE)) {
      if (role.name === "WorkerRole") continue;
      const statements = inlineStatements(role);
      expect(statements.some((s) => s.Action.some((a) => a.startsWith("sagemaker:")))).toBe(false);
    }
    const build = run.rpc.builds.find((b) => b.functionID === "Worker");
    expect(build?.links.Model).toMatchObject({
      endpointName: run.get("aws:sagemaker/endpoint:Endpoint", "InferenceEndpoint").state.name,
    });
  });
});

describe("7. monitoring", () => {
  test("7. 10,000-requests alarm on the HTTP API's Count (ApiId) e-mails the SNS topic, address from a secret", () => {
    const alarm = run.get("aws:cloudwatch/metricAlarm:MetricAlarm", "RequestsAlarm");
    const topic = run.get("aws:sns/topic:Topic", "AlertsTopic");
    expect(alarm.inputs).toMatchObject({
      // The e-mail subject carries the alarm name; it matches the local stack's.
      name: "artai-production-requests-over-10000-in-24h",
      namespace: "AWS/ApiGateway",
      metricName: "Count",
      dimensions: { ApiId: run.get("aws:apigatewayv2/api:Api", "ApiApi").id },
      statistic: "Sum",
      period: 86_400,
      evaluationPeriods: 1,
      threshold: 10_000,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [topic.state.arn],
      okActions: [topic.state.arn],
    });
    // The status page charts requests against the same threshold.
    expect(Number(lambdaOf("ApiHandler").inputs.environment.variables.ARTAI_ALARM_THRESHOLD)).toBe(
      alarm.inputs.threshold,
    );
    const email = run
      .ofType("aws:sns/topicSubscription:TopicSubscription")
      .find((s) => s.inputs.protocol === "email");
    expect(email?.inputs).toMatchObject({ topic: topic.state.arn, endpoint: ALERT_EMAIL });
  });

  test("7. spend breaker: the alert topic invokes the breaker Lambda, which may write the Jobs table", () => {
    const topic = run.get("aws:sns/topic:Topic", "AlertsTopic");
    const breaker = lambdaOf("AlertsSubscriberBreakerFunction");
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
    const topic = run.get("aws:sns/topic:Topic", "AlertsTopic").state.arn;
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
      dimensions: { FunctionName: lambdaOf("Worker").state.name },
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
        arnOf("aws:cloudwatch/metricAlarm:MetricAlarm", a),
      ),
    );
  });

  test("7. SQS and SNS are encrypted with a customer-managed key that CloudWatch may use", () => {
    const key = run.get(KEY, "MessagingKey");
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(run.get("aws:sns/topic:Topic", "AlertsTopic").inputs.kmsMasterKeyId).toBe(key.state.arn);
    for (const queue of run.ofType("aws:sqs/queue:Queue")) {
      if (queue.name.startsWith("Web")) continue;
      expect(queue.inputs.kmsMasterKeyId).toBe(key.state.arn);
    }
    const services = JSON.parse(key.inputs.policy).Statement.flatMap(
      (s: Json) => s.Principal?.Service ?? [],
    );
    expect(services).toContain("cloudwatch.amazonaws.com");
    // The worker polls the encrypted queue, so its role may decrypt with this key.
    expect(allows(statementsOf("Worker"), "kms:Decrypt").flatMap((s) => s.Resource)).toContain(
      key.state.arn,
    );
  });
});
