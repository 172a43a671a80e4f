/**
 * Issue 11, point 5: least privilege, from one table. Under Pulumi mocks, every function's role
 * policy is exactly its rows of packages/core/src/contract/permissions.ts (plus the KMS keys it
 * uses), and no IAM statement anywhere in the app grants a wildcard action.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  FUNCTIONS,
  type FunctionName,
  PERMISSIONS,
  type ResourceName,
  statementsFor,
} from "../../packages/core/src/contract/permissions.ts";
import { inlineStatements, type ProgramRun, runProgram, type Statement } from "./harness.ts";

let run: ProgramRun;

beforeAll(async () => {
  run = await runProgram({
    stage: "production",
    secrets: { AlertEmail: "ops@artai.test", StatusToken: "t", EdgeSecret: "e" },
    env: { ARTAI_DOMAIN: "photos.artai.test", ARTAI_REPLICA_REGION: "eu-central-1" },
  });
});

afterAll(() => run?.dispose());

/** Each function's role, by the name SST gives it. */
const ROLES: Record<FunctionName, string> = {
  api: "ApiHandlerRole",
  worker: "WorkerRole",
  sweeper: "SweeperHandlerRole",
  breaker: "AlertsSubscriberBreakerFunctionRole",
};

const arnOf = (type: string, name: string) => run.get(type, name).state.arn as string;

/** The deployed ARN of every resource the table names. */
const deployedArns = (): Record<ResourceName, string> => ({
  Uploads: arnOf("aws:s3/bucket:Bucket", "UploadsBucket"),
  Outputs: arnOf("aws:s3/bucket:Bucket", "OutputsBucket"),
  UploadsReplica: arnOf("aws:s3/bucket:Bucket", "UploadsReplica"),
  OutputsReplica: arnOf("aws:s3/bucket:Bucket", "OutputsReplica"),
  Jobs: arnOf("aws:dynamodb/table:Table", "JobsTable"),
  Queue: arnOf("aws:sqs/queue:Queue", "QueueQueue"),
  DeadLetterQueue: arnOf("aws:sqs/queue:Queue", "DeadLetterQueueQueue"),
  Model: arnOf("aws:sagemaker/endpoint:Endpoint", "InferenceEndpoint"),
});

const simplify = (s: Statement) => ({ actions: s.Action, resources: s.Resource });
const isKms = (s: Statement) => s.Action.every((a) => a.startsWith("kms:"));

/** Every IAM statement the app writes for its own principals: roles' inline policies and role policies. */
function everyRoleStatement(): { owner: string; statement: Statement }[] {
  const inline = run
    .ofType("aws:iam/role:Role")
    .flatMap((role) =>
      inlineStatements(role).map((statement) => ({ owner: role.name, statement })),
    );
  const attached = [
    ...run.ofType("aws:iam/rolePolicy:RolePolicy"),
    ...run.ofType("aws:iam/policy:Policy"),
  ].flatMap((p) =>
    (JSON.parse(p.inputs.policy).Statement as Statement[]).map((statement) => ({
      owner: p.name,
      statement,
    })),
  );
  return [...inline, ...attached];
}

describe("5. least privilege, from one table", () => {
  test("5. every function's role policy is exactly its rows of the permissions table, plus KMS", () => {
    const arns = deployedArns();
    for (const fn of FUNCTIONS) {
      const statements = inlineStatements(run.get("aws:iam/role:Role", ROLES[fn]));
      const granted = statements.filter((s) => !isKms(s)).map(simplify);
      expect([fn, granted]).toEqual([fn, statementsFor(fn, arns)]);
      expect(statements.every((s) => s.Effect === "Allow")).toBe(true);
      // KMS: only the use of ArtAI's own keys, never their administration.
      for (const s of statements.filter(isKms)) {
        expect(s.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
        for (const resource of s.Resource) expect(resource).toMatch(/^arn:aws:kms:/);
      }
    }
  });

  test("5. the api may not DeleteQueue or PutBucketPolicy, and the worker may not delete uploads", () => {
    const arns = deployedArns();
    const can = (fn: FunctionName, action: string, resource: string) =>
      inlineStatements(run.get("aws:iam/role:Role", ROLES[fn])).some(
        (s) => s.Action.includes(action) && s.Resource.includes(resource),
      );
    expect(can("api", "sqs:DeleteQueue", arns.Queue)).toBe(false);
    expect(can("api", "s3:PutBucketPolicy", arns.Uploads)).toBe(false);
    expect(can("worker", "s3:DeleteObject", `${arns.Uploads}/*`)).toBe(false);
    expect(can("worker", "s3:PutBucketPolicy", arns.Uploads)).toBe(false);
    // …while what their code does is there (a control for the assertions above).
    expect(can("api", "sqs:GetQueueAttributes", arns.Queue)).toBe(true);
    expect(can("worker", "s3:GetObjectVersion", `${arns.Uploads}/*`)).toBe(true);
  });

  test("5. no IAM statement of any role in the app grants a wildcard action", () => {
    const statements = everyRoleStatement();
    expect(statements.length).toBeGreaterThan(20);
    const wildcards = statements.filter(({ statement }) =>
      statement.Action.some((a) => a === "*" || a.endsWith(":*")),
    );
    expect(wildcards.map((w) => `${w.owner}: ${w.statement.Action.join(", ")}`)).toEqual([]);
  });

  test("5. links still carry what the handlers read (Resource.Uploads.name, Resource.Queue.url, …)", () => {
    const build = run.rpc.builds.find((b) => b.functionID === "ApiHandler");
    // (Under the mocks a link's type carries the stack's URN prefix.)
    expect(build?.links.Uploads).toEqual({
      name: run.get("aws:s3/bucket:Bucket", "UploadsBucket").state.bucket,
      type: expect.stringMatching(/sst\.aws\.Bucket$/),
    });
    expect(build?.links.Jobs).toEqual({
      name: run.get("aws:dynamodb/table:Table", "JobsTable").state.name,
      type: expect.stringMatching(/sst\.aws\.Dynamo$/),
    });
    expect(build?.links.Queue).toEqual({
      url: run.get("aws:sqs/queue:Queue", "QueueQueue").state.url,
      type: expect.stringMatching(/sst\.aws\.Queue$/),
    });
  });

  test("5. every row of the table says why, and names real IAM actions without wildcards", () => {
    for (const fn of FUNCTIONS) {
      for (const grant of PERMISSIONS[fn]) {
        expect(grant.why.length).toBeGreaterThan(10);
        for (const action of grant.actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z]+$/);
      }
    }
  });
});
