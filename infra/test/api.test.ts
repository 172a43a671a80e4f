/** The production program (production.ts): infra/api.ts: the HTTP API and the handlers it bundles. */
import { expect, test } from "vitest";
import { API_ROUTES } from "../../packages/core/src/contract/index.ts";
import { describeProduction, ROLE, run } from "./production.ts";

describeProduction("3. API", () => {
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
    for (const key of API_ROUTES) expect(keys).toContain(key);
    const handlerArn = run.lambdaOf("ApiHandler").state.arn;
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
    expect(run.linksOf("ApiHandler")).toEqual(
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
    expect(run.linksOf("Worker")).toEqual(["Jobs", "Model", "Outputs", "Queue", "Uploads"]);
    // The sweeper purges deleted jobs again, in both buckets and both replicas.
    expect(run.linksOf("SweeperHandler")).toEqual(
      ["Jobs", "Outputs", "OutputsReplica", "Queue", "Uploads", "UploadsReplica"].sort(),
    );
    expect(run.linksOf("AlertsSubscriberBreakerFunction")).toEqual(["Jobs"]);
    // Links grant nothing (test/permissions.test.ts): the breaker may update the Jobs table's
    // items, and nothing else.
    const breaker = run.statementsOf("AlertsSubscriberBreakerFunction");
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
