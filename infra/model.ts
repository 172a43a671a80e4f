/**
 * The model: a container image built from packages/model, served by a SageMaker real-time
 * endpoint in the VPC's private subnets, scaled on invocations per instance.
 *
 * `sst dev` cannot reach a private endpoint from a laptop, so dev sessions skip SageMaker:
 * the model server runs locally as a DevCommand and the worker's SageMaker Runtime endpoint
 * variable points at it. The application code is the same in both cases.
 */
import path from "node:path";
import { DEV_MODEL_PORT, isProduction, stage } from "./config.ts";
import { dataKey } from "./kms.ts";
import { modelSecurityGroup, vpc } from "./network.ts";

/**
 * The model package. Its Dockerfile builds from the workspace root (pnpm installs the
 * package's dependencies there), and `Dockerfile.dockerignore` beside it trims the context.
 */
export const MODEL_DIR = "packages/model";
/** The production variant's name; autoscaling addresses it. */
export const VARIANT_NAME = "AllTraffic";
/** The endpoint name the local model server answers to under `sst dev`. */
export const DEV_ENDPOINT_NAME = "artai-local";

const production = isProduction($app.stage);
const partition = aws.getPartitionOutput({}).partition;
const region = aws.getRegionOutput({}).region;

function deployModel() {
  const repository = new aws.ecr.Repository("ModelRepository", {
    imageTagMutability: "MUTABLE",
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: dataKey.arn }],
    forceDelete: !production,
  });
  new aws.ecr.LifecyclePolicy("ModelRepositoryLifecycle", {
    repository: repository.name,
    policy: JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          description: "Keep the ten newest images",
          selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 10 },
          action: { type: "expire" },
        },
      ],
    }),
  });

  const token = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId });
  const image = new dockerbuild.Image("ModelImage", {
    context: { location: $cli.paths.root },
    dockerfile: { location: path.join($cli.paths.root, MODEL_DIR, "Dockerfile") },
    platforms: ["linux/amd64"],
    push: true,
    tags: [$interpolate`${repository.repositoryUrl}:latest`],
    registries: [
      {
        address: repository.repositoryUrl,
        username: token.userName,
        password: $util.secret(token.password),
      },
    ],
  });

  const role = new aws.iam.Role("ModelRole", {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "sagemaker.amazonaws.com" }),
  });
  const rolePolicy = new aws.iam.RolePolicy("ModelRolePolicy", {
    role: role.id,
    policy: aws.iam.getPolicyDocumentOutput({
      statements: [
        { actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
        {
          actions: [
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
          ],
          resources: [repository.arn],
        },
        { actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [dataKey.arn] },
        {
          actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [
            $interpolate`arn:${partition}:logs:${region}:*:log-group:/aws/sagemaker/Endpoints/*`,
          ],
        },
        { actions: ["cloudwatch:PutMetricData"], resources: ["*"] },
        {
          // SageMaker attaches the model's network interfaces to the private subnets.
          actions: [
            "ec2:CreateNetworkInterface",
            "ec2:CreateNetworkInterfacePermission",
            "ec2:DeleteNetworkInterface",
            "ec2:DeleteNetworkInterfacePermission",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeVpcs",
            "ec2:DescribeDhcpOptions",
            "ec2:DescribeSubnets",
            "ec2:DescribeSecurityGroups",
          ],
          resources: ["*"],
        },
      ],
    }).json,
  });

  // CreateModel accepts an image as `repo:tag` or `repo@digest` only; the build's `ref` is a tag
  // plus a digest, which it cannot parse. Pinning the digest also means a new push cannot change
  // what a running endpoint serves.
  // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html#sagemaker-Type-ContainerDefinition-Image
  const pinnedImage = $interpolate`${repository.repositoryUrl}@${image.digest}`;
  const model = new aws.sagemaker.Model(
    "InferenceModel",
    {
      executionRoleArn: role.arn,
      primaryContainer: { image: pinnedImage, mode: "SingleModel" },
      vpcConfig: {
        subnets: vpc.privateSubnets,
        securityGroupIds: [modelSecurityGroup.id],
      },
      enableNetworkIsolation: true,
    },
    // CreateModel validates the image and the VPC with the execution role, so the role's policy
    // must exist first; the role's ARN alone does not order them.
    { dependsOn: [rolePolicy] },
  );

  const endpointConfig = new aws.sagemaker.EndpointConfiguration("InferenceEndpointConfig", {
    kmsKeyArn: dataKey.arn,
    productionVariants: [
      {
        variantName: VARIANT_NAME,
        modelName: model.name,
        instanceType: stage.model.instanceType,
        initialInstanceCount: stage.model.minInstances,
        containerStartupHealthCheckTimeoutInSeconds: 600,
      },
    ],
  });

  const endpoint = new aws.sagemaker.Endpoint("InferenceEndpoint", {
    endpointConfigName: endpointConfig.name,
  });

  const scalingTarget = new aws.appautoscaling.Target("InferenceScalingTarget", {
    serviceNamespace: "sagemaker",
    resourceId: $interpolate`endpoint/${endpoint.name}/variant/${VARIANT_NAME}`,
    scalableDimension: "sagemaker:variant:DesiredInstanceCount",
    minCapacity: stage.model.minInstances,
    maxCapacity: stage.model.maxInstances,
  });
  const scalingPolicy = new aws.appautoscaling.Policy("InferenceScalingPolicy", {
    policyType: "TargetTrackingScaling",
    serviceNamespace: scalingTarget.serviceNamespace,
    resourceId: scalingTarget.resourceId,
    scalableDimension: scalingTarget.scalableDimension,
    targetTrackingScalingPolicyConfiguration: {
      predefinedMetricSpecification: {
        predefinedMetricType: "SageMakerVariantInvocationsPerInstance",
      },
      targetValue: stage.model.invocationsPerInstance,
      scaleInCooldown: 300,
      scaleOutCooldown: 60,
    },
  });

  // The link carries the name only (the API reads it for the status page's model metrics);
  // the right to invoke is the worker's alone, from the permissions table (permissions.ts).
  const link = new sst.Linkable("Model", { properties: { endpointName: endpoint.name } });

  return {
    repository,
    image,
    role,
    rolePolicy,
    model,
    endpointConfig,
    endpoint,
    scalingPolicy,
    link,
  };
}

function runLocally() {
  const server = new sst.x.DevCommand("ModelServer", {
    dev: {
      title: "Model",
      command: "pnpm --filter @artai/model serve",
      autostart: true,
    },
    // The model server listens where a SageMaker container would (packages/model/src/serve.ts).
    environment: { SAGEMAKER_BIND_TO_PORT: String(DEV_MODEL_PORT) },
  });
  const link = new sst.Linkable("Model", { properties: { endpointName: DEV_ENDPOINT_NAME } });
  return { server, link };
}

/** SageMaker in deployed stages; undefined during `sst dev`. */
export const inference = $dev ? undefined : deployModel();
/** The local model server during `sst dev`; undefined in deployed stages. */
export const localModel = $dev ? runLocally() : undefined;

/** Linked as `Model`: `Resource.Model.endpointName`. */
export const model = inference?.link ?? (localModel as NonNullable<typeof localModel>).link;

/**
 * Environment for functions that call the model. Under `sst dev` the SDK's standard
 * `AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME` sends `InvokeEndpoint` to the local model server.
 */
export const modelEnvironment: Record<string, string> = $dev
  ? { AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: `http://127.0.0.1:${DEV_MODEL_PORT}` }
  : {};
