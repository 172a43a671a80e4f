/**
 * Customer-managed KMS keys. One key encrypts stored data (both buckets, the jobs table, the
 * model image), one encrypts messages (the queues and the alert topic). The replicas in the
 * secondary region get their own keys, declared next to them in storage.ts.
 */

import { isProduction } from "./config.ts";

const account = aws.getCallerIdentityOutput({}).accountId;

/**
 * Production keeps its keys when they leave the program or the stage is removed: the
 * retained buckets and table stay encrypted with them.
 */
export const keyOptions = { retainOnDelete: isProduction($app.stage) };
const partition = aws.getPartitionOutput({}).partition;

/**
 * A key policy that lets IAM policies in this account grant use of the key, plus `services`.
 *
 * The service statement carries no condition. AWS's key policy for an encrypted S3 event
 * destination grants `s3.amazonaws.com` kms:GenerateDataKey and kms:Decrypt with none
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html),
 * and no AWS document says S3 passes `aws:SourceAccount` to KMS: a condition on it could fail S3's
 * validation of the destination, and so the deploy. The same holds for CloudWatch publishing to an
 * encrypted topic (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 * Who may send is scoped where AWS documents the keys: the queue policy (queue.ts) requires our
 * bucket and account, and the topic's default access policy admits this account's publishers only.
 */
export function keyPolicy(services: string[] = []) {
  return $jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersKeyThroughIam",
        Effect: "Allow",
        Principal: { AWS: $interpolate`arn:${partition}:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      ...(services.length > 0
        ? [
            {
              Sid: "AwsServicesPublishEncryptedMessages",
              Effect: "Allow",
              Principal: { Service: services },
              Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
              Resource: "*",
            },
          ]
        : []),
    ],
  });
}

/** Encrypts the Uploads and Outputs buckets, the Jobs table and the model image repository. */
export const dataKey = new aws.kms.Key(
  "DataKey",
  {
    description: `ArtAI ${$app.stage}: uploads, outputs, jobs table, model image`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: keyPolicy(),
  },
  keyOptions,
);

/**
 * Encrypts the SQS queues and the SNS alert topic. S3 must be able to send the upload events
 * to the encrypted queue, and CloudWatch must be able to publish alarms to the encrypted topic.
 */
export const messagingKey = new aws.kms.Key(
  "MessagingKey",
  {
    description: `ArtAI ${$app.stage}: jobs queue, dead-letter queue, alert topic`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: keyPolicy(["s3.amazonaws.com", "cloudwatch.amazonaws.com"]),
  },
  keyOptions,
);

/** IAM permission for a function that reads and writes data encrypted with `key`. */
export function useKey(key: aws.kms.Key) {
  return sst.aws.permission({
    actions: ["kms:Decrypt", "kms:GenerateDataKey"],
    resources: [key.arn],
  });
}
