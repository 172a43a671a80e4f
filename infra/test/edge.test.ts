/** The production program (production.ts): infra/edge.ts and infra/web.ts: the Router, WAF, the edge function and the routes. */
import path from "node:path";
import { expect, test } from "vitest";
import { SECRET_HEADER, VIEWER_HEADER } from "../../packages/core/src/edge/index.ts";
import type { Registered } from "./harness.ts";
import type { Json } from "./json.ts";
import { DOMAIN, describeProduction, EDGE_SECRET, LAMBDA, run } from "./production.ts";

describeProduction("2. edge", () => {
  test("2. Router serves the stage's domain: ACM certificate validated in Route 53, alias records", () => {
    const certificate = run.ofType("aws:acm/certificate:Certificate");
    expect(certificate).toHaveLength(1);
    expect(certificate[0]?.inputs).toMatchObject({ domainName: DOMAIN, validationMethod: "DNS" });
    // CloudFront only accepts certificates from us-east-1.
    expect(run.providerOf(certificate[0] as Registered)?.inputs.region).toBe("us-east-1");

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
