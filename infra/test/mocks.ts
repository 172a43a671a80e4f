/**
 * The answers Pulumi's runtime mocks give for ArtAI's program (used by harness.ts): the
 * identifiers AWS would assign to each resource, and fixed answers to provider functions
 * (region, account, partition, zones, hosted zone, ECR token). An IAM policy document is
 * rendered from its statements, so the tests read the real policies. A call the mocks do not
 * know is recorded in `unknownCalls`, which a test asserts is empty.
 */
import { createHash } from "node:crypto";
import type { Json } from "./json.ts";

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";

function arnFor(type: string, name: string): string {
  const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
  return `arn:aws:${service}:${REGION}:${ACCOUNT}:${name}`;
}

/** Identifiers AWS would assign; everything else in the state is the inputs as given. */
export function assignedState(type: string, name: string, inputs: Record<string, Json>) {
  const physical = `${name.toLowerCase()}-mock`;
  const base: Record<string, Json> = { arn: arnFor(type, physical), name: inputs.name ?? physical };
  switch (type) {
    case "aws:s3/bucket:Bucket":
      return { ...base, bucket: inputs.bucket ?? physical, arn: `arn:aws:s3:::${physical}` };
    case "aws:sqs/queue:Queue":
      return { ...base, url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${physical}` };
    case "aws:apigatewayv2/api:Api":
      return { ...base, apiEndpoint: `https://${physical}.execute-api.${REGION}.amazonaws.com` };
    case "aws:cloudfront/distribution:Distribution":
      return { ...base, domainName: `${physical}.cloudfront.net`, hostedZoneId: "Z2FDTNDATAQYW2" };
    case "aws:ecr/repository:Repository":
      return {
        ...base,
        registryId: ACCOUNT,
        repositoryUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${physical}`,
      };
    case "docker-build:index:Image": {
      // As the provider reports a pushed image: `digest` is the manifest's sha256, `ref` the
      // first tag with that digest appended.
      const digest = `sha256:${createHash("sha256").update(JSON.stringify(inputs)).digest("hex")}`;
      return { ...base, digest, ref: `${inputs.tags?.[0] ?? physical}@${digest}` };
    }
    case "aws:ec2/vpcEndpoint:VpcEndpoint":
      return { ...base, prefixListId: `pl-${physical}` };
    case "aws:ec2/vpc:Vpc":
      return { ...base, cidrBlock: inputs.cidrBlock ?? "10.0.0.0/16" };
    case "aws:lambda/functionUrl:FunctionUrl":
      return { ...base, functionUrl: `https://${physical}.lambda-url.${REGION}.on.aws/` };
    case "aws:lambda/function:Function":
      return { ...base, qualifiedArn: `${base.arn}:$LATEST`, invokeArn: `${base.arn}/invocations` };
    case "aws:acm/certificate:Certificate":
      return {
        ...base,
        domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map(
          (domainName: string) => ({
            domainName,
            resourceRecordName: `_x.${domainName}`,
            resourceRecordType: "CNAME",
            resourceRecordValue: "_y.acm-validations.aws",
          }),
        ),
      };
    default:
      return base;
  }
}

/** Renders `aws.iam.getPolicyDocument` statements the way IAM shows a policy. */
function policyJson(statements: Json[] = []) {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      Effect: s.effect ?? "Allow",
      Action: s.actions,
      Resource: s.resources,
      ...(s.principals ? { Principal: s.principals } : {}),
      ...(s.conditions ? { Condition: s.conditions } : {}),
    })),
  });
}

export function callMock(token: string, inputs: Record<string, Json>): Record<string, Json> {
  switch (token) {
    case "aws:index/getRegion:getRegion":
      return { id: REGION, name: REGION, region: REGION, endpoint: `ec2.${REGION}.amazonaws.com` };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        id: ACCOUNT,
        accountId: ACCOUNT,
        arn: `arn:aws:iam::${ACCOUNT}:user/ci`,
        userId: "ci",
      };
    case "aws:index/getPartition:getPartition":
      return {
        id: "aws",
        partition: "aws",
        dnsSuffix: "amazonaws.com",
        reverseDnsPrefix: "com.amazonaws",
      };
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return {
        id: "policy",
        statements: inputs.statements ?? [],
        json: policyJson(inputs.statements),
        minifiedJson: policyJson(inputs.statements),
      };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return {
        id: REGION,
        names: ["a", "b", "c"].map((z) => `${REGION}${z}`),
        zoneIds: ["use1-az1", "use1-az2", "use1-az4"],
      };
    case "aws:route53/getZone:getZone":
      return { id: "ZARTAI", zoneId: "ZARTAI", name: inputs.name };
    case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
      return {
        id: ACCOUNT,
        userName: "AWS",
        password: "mock-token",
        authorizationToken: "mock",
        proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`,
      };
    default:
      unknownCalls.add(token);
      return { id: token };
  }
}

/** Provider functions the mocks had no answer for (a test asserts there are none). */
export const unknownCalls = new Set<string>();
