import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allows, matchesResource, PERMISSIONS, statementsFor } from "./permissions.ts";

const arns = {
  Uploads: "arn:aws:s3:::artai-uploads",
  Outputs: "arn:aws:s3:::artai-outputs",
  Jobs: "arn:aws:dynamodb:us-east-1:123456789012:table/artai-jobs",
  Queue: "arn:aws:sqs:us-east-1:123456789012:artai-jobs",
};

describe("the permissions table", () => {
  it("imports nothing, so the browser, infra and the local stack can all load it", () => {
    const source = readFileSync(new URL("./permissions.ts", import.meta.url), "utf8");
    expect(source).not.toMatch(/^\s*import\s/m);
    expect(source).not.toMatch(/\brequire\(/);
  });

  it("writes one statement per row, on the scoped ARN, and none for a resource it is not given", () => {
    const sweeper = statementsFor("sweeper", arns);
    expect(sweeper).toEqual([
      { actions: ["dynamodb:Query"], resources: [`${arns.Jobs}/index/gsi2`] },
      {
        actions: ["dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
        resources: [arns.Jobs],
      },
      { actions: ["s3:ListBucket", "s3:ListBucketVersions"], resources: [arns.Uploads] },
      {
        actions: ["s3:GetObject", "s3:DeleteObjectVersion"],
        resources: [`${arns.Uploads}/*`],
      },
      { actions: ["s3:ListBucketVersions"], resources: [arns.Outputs] },
      { actions: ["s3:DeleteObjectVersion"], resources: [`${arns.Outputs}/*`] },
      // The replicas' rows are left out: their ARNs are not given here.
      { actions: ["sqs:SendMessage"], resources: [arns.Queue] },
    ]);
    // No model endpoint given (as under `sst dev`): the worker gets no InvokeEndpoint at all.
    const worker = statementsFor("worker", arns);
    expect(worker.flatMap((s) => s.actions)).not.toContain("sagemaker:InvokeEndpoint");
    expect(worker).toHaveLength(PERMISSIONS.worker.length - 1);
  });

  it("evaluates as IAM does: exact actions (case-insensitive), wildcard resources", () => {
    const worker = statementsFor("worker", arns);
    expect(allows(worker, "s3:GetObject", `${arns.Uploads}/uploads/a/input`)).toBe(true);
    expect(allows(worker, "S3:getobject", `${arns.Uploads}/uploads/a/input`)).toBe(true);
    expect(allows(worker, "s3:GetObject", `${arns.Outputs}/outputs/a/0.webp`)).toBe(false);
    expect(allows(worker, "s3:DeleteObject", `${arns.Uploads}/uploads/a/input`)).toBe(false);
    expect(allows(worker, "s3:PutBucketPolicy", arns.Uploads)).toBe(false);
    // The bucket and its objects are different resources.
    expect(allows(worker, "s3:GetObject", arns.Uploads)).toBe(false);
    expect(matchesResource("arn:aws:s3:::b/*", "arn:aws:s3:::b/k/x")).toBe(true);
    expect(matchesResource("arn:aws:s3:::b/?", "arn:aws:s3:::b/kk")).toBe(false);
    expect(matchesResource("arn:aws:s3:::b.c", "arn:aws:s3:::bxc")).toBe(false);
  });
});
