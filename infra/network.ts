/**
 * The private network of the inference path. The VPC has no NAT and no route to the
 * internet from its private subnets: the worker reaches SageMaker Runtime (and SQS, for
 * retry backoff) through interface endpoints and S3 and DynamoDB through gateway endpoints.
 */

const region = aws.getRegionOutput({}).region;

export const vpc = new sst.aws.Vpc("Vpc", { az: 2 });

const privateRouteTableIds = vpc.nodes.privateRouteTables.apply((tables) =>
  tables.map((table) => table.id),
);

/** Gateway endpoint: S3 traffic from the private subnets stays on the AWS network. */
export const s3Endpoint = new aws.ec2.VpcEndpoint("S3Endpoint", {
  vpcId: vpc.id,
  serviceName: $interpolate`com.amazonaws.${region}.s3`,
  vpcEndpointType: "Gateway",
  routeTableIds: privateRouteTableIds,
});

/** Gateway endpoint: DynamoDB traffic from the private subnets stays on the AWS network. */
export const dynamoEndpoint = new aws.ec2.VpcEndpoint("DynamoEndpoint", {
  vpcId: vpc.id,
  serviceName: $interpolate`com.amazonaws.${region}.dynamodb`,
  vpcEndpointType: "Gateway",
  routeTableIds: privateRouteTableIds,
});

/** The worker may open HTTPS connections to the VPC endpoints only. */
export const workerSecurityGroup = new aws.ec2.SecurityGroup("WorkerSecurityGroup", {
  vpcId: vpc.id,
  description: "ArtAI worker: HTTPS to VPC endpoints only",
  egress: [
    {
      description: "Interface endpoints (SageMaker Runtime, SQS)",
      protocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrBlocks: [vpc.nodes.vpc.cidrBlock],
    },
    {
      description: "S3 and DynamoDB gateway endpoints",
      protocol: "tcp",
      fromPort: 443,
      toPort: 443,
      prefixListIds: [s3Endpoint.prefixListId, dynamoEndpoint.prefixListId],
    },
  ],
});

/** The interface endpoints accept HTTPS from the worker only. */
export const endpointSecurityGroup = new aws.ec2.SecurityGroup("EndpointSecurityGroup", {
  vpcId: vpc.id,
  description: "ArtAI interface endpoints: HTTPS from the worker",
  ingress: [
    {
      description: "Worker",
      protocol: "tcp",
      fromPort: 443,
      toPort: 443,
      securityGroups: [workerSecurityGroup.id],
    },
  ],
});

/**
 * Interface endpoint: `InvokeEndpoint` calls resolve to private IPs in the VPC. `sst dev`
 * runs the model locally (see model.ts), so dev sessions skip this hourly-billed endpoint.
 */
export const sagemakerRuntimeEndpoint = $dev
  ? undefined
  : new aws.ec2.VpcEndpoint("SageMakerRuntimeEndpoint", {
      vpcId: vpc.id,
      serviceName: $interpolate`com.amazonaws.${region}.sagemaker.runtime`,
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      subnetIds: vpc.privateSubnets,
      securityGroupIds: [endpointSecurityGroup.id],
    });

/**
 * Interface endpoint for SQS: after a failed attempt the worker shortens the message's
 * visibility (exponential backoff), an SQS call from inside the VPC. Skipped under `sst dev`
 * like the SageMaker one.
 */
export const sqsEndpoint = $dev
  ? undefined
  : new aws.ec2.VpcEndpoint("SqsEndpoint", {
      vpcId: vpc.id,
      serviceName: $interpolate`com.amazonaws.${region}.sqs`,
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      subnetIds: vpc.privateSubnets,
      securityGroupIds: [endpointSecurityGroup.id],
    });

/** The SageMaker model's network interfaces: no inbound rules, no route out. */
export const modelSecurityGroup = new aws.ec2.SecurityGroup("ModelSecurityGroup", {
  vpcId: vpc.id,
  description: "ArtAI SageMaker model: private subnets, no public access",
  egress: [
    {
      description: "S3 gateway endpoint",
      protocol: "tcp",
      fromPort: 443,
      toPort: 443,
      prefixListIds: [s3Endpoint.prefixListId],
    },
  ],
});
