/** The production program (production.ts): infra/model.ts and infra/network.ts: the SageMaker endpoint, its image and the VPC. */
import { realpathSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { inlineStatements, repoRoot } from "./harness.ts";
import { allows, config, describeProduction, KEY, ROLE, run } from "./production.ts";

describeProduction("6. model", () => {
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
      { encryptionType: "KMS", kmsKey: run.arnOf(KEY, "DataKey") },
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
    expect(endpointConfig.inputs.kmsKeyArn).toBe(run.arnOf(KEY, "DataKey"));
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
    expect(run.lambdaOf("Worker").inputs.vpcConfig).toEqual({
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
    const endpointArn = run.arnOf("aws:sagemaker/endpoint:Endpoint", "InferenceEndpoint");
    const invoke = allows(run.statementsOf("Worker"), "sagemaker:InvokeEndpoint");
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
