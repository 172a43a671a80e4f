/**
 * ArtAI's SST program as `sst dev` runs it (`$dev` true), under Pulumi mocks. A private
 * SageMaker endpoint is unreachable from a laptop, so dev sessions skip SageMaker and run
 * the local model server instead (requirement 8 of the infrastructure issue).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type ProgramRun, runProgram } from "./harness.ts";

let run: ProgramRun;

beforeAll(async () => {
  run = await runProgram({
    stage: "alice",
    dev: true,
    secrets: { AlertEmail: "alice@artai.test", StatusToken: "dev-token", EdgeSecret: "dev-edge" },
  });
});

afterAll(() => run?.dispose());

describe("1. stages", () => {
  test("1. a non-production stage is removable: buckets, table and keys are not retained", () => {
    const stateful = run.resources.filter((r) =>
      ["aws:s3/bucket:Bucket", "aws:dynamodb/table:Table", "aws:kms/key:Key"].includes(r.type),
    );
    expect(stateful.length).toBeGreaterThanOrEqual(9);
    for (const resource of stateful) expect(resource.retainOnDelete).toBeFalsy();
    expect(run.outputs._protect).toBe(false);
  });
});

describe("4. storage without a domain", () => {
  test("4. CORS without a domain allows the CloudFront URL, plus the local Next.js server under sst dev", () => {
    const distribution = run.get(
      "aws:cloudfront/distribution:Distribution",
      "RouterCdnDistribution",
    );
    expect(distribution.inputs.aliases ?? []).toEqual([]);
    for (const name of ["Uploads", "Outputs"]) {
      const cors = run.get("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", `${name}Cors`);
      for (const rule of cors.inputs.corsRules) {
        expect(rule.allowedOrigins).toEqual([
          `https://${distribution.state.domainName}`,
          "http://localhost:3000",
        ]);
      }
    }
  });
});

describe("8. sst dev", () => {
  test("8. no SageMaker in dev: the model server runs as a DevCommand and the worker's SageMaker Runtime endpoint points at it", () => {
    expect(run.errors).toEqual([]);
    const cloudOnly = run.resources.filter(
      (r) =>
        r.type.startsWith("aws:sagemaker/") ||
        r.type.startsWith("aws:appautoscaling/") ||
        r.type === "docker-build:index:Image" ||
        r.type === "aws:ecr/repository:Repository" ||
        (r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.inputs.vpcEndpointType === "Interface"),
    );
    expect(cloudOnly.map((r) => r.name)).toEqual([]);

    const server = run.get("sst:sst:DevCommand", "ModelServer").outputs?._dev;
    expect(server).toMatchObject({ autostart: true, command: "pnpm --filter @artai/model serve" });
    const port = Number(server.environment.SAGEMAKER_BIND_TO_PORT);
    expect(port).toBeGreaterThan(0);

    // The worker runs on the laptop with the deployed function's environment: the SDK's
    // standard variable sends InvokeEndpoint to the local server, with no code branch.
    const worker = run.get("aws:lambda/function:Function", "WorkerFunction");
    expect(worker.inputs.environment.variables.AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME).toBe(
      `http://127.0.0.1:${port}`,
    );
    // Live functions reach the laptop over the internet, so the worker leaves the VPC.
    expect(worker.inputs.vpcConfig).toBeUndefined();
    const target = run.rpc.targets.find((t) => t.functionID === "Worker");
    expect(target?.handler).toBe("packages/functions/src/worker.handler");
    expect(target?.links.Model).toMatchObject({ endpointName: expect.any(String) });
    // `next dev` runs on the laptop and is told where the API is, to proxy `/api/*` there.
    const site = run.get("sst:aws:Nextjs", "Web").outputs?._dev;
    expect(site).toMatchObject({ command: "pnpm run dev", directory: "packages/web" });
    // `/api/*` goes through the Router, whose edge function stamps the secret the API checks.
    const distribution = run.get(
      "aws:cloudfront/distribution:Distribution",
      "RouterCdnDistribution",
    );
    expect(site.environment.ARTAI_API_URL).toBe(`https://${distribution.state.domainName}`);
    // Other functions never see the local model.
    const api = run.get("aws:lambda/function:Function", "ApiHandlerFunction");
    expect(api.inputs.environment.variables.AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME).toBeUndefined();
  });
});
