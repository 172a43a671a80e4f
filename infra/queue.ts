/**
 * The jobs queue: S3 ObjectCreated events for `uploads/` land here and feed the worker.
 * Failed messages move to the dead-letter queue after five receives.
 */
import {
  DLQ_RETENTION_SECONDS,
  MAX_RECEIVE_COUNT,
  QUEUE_RETENTION_SECONDS,
  QUEUE_VISIBILITY_SECONDS,
  UPLOAD_PREFIX,
} from "./config.ts";
import { messagingKey } from "./kms.ts";
import { uploads } from "./storage.ts";

/** Messages the worker gave up on; an alarm fires as soon as one arrives. */
export const deadLetterQueue = new sst.aws.Queue("DeadLetterQueue", {
  transform: {
    queue: {
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
      kmsMasterKeyId: messagingKey.arn,
    },
  },
});

/** The jobs queue, linked as `Queue`. */
export const queue = new sst.aws.Queue("Queue", {
  visibilityTimeout: `${QUEUE_VISIBILITY_SECONDS} seconds`,
  dlq: { queue: deadLetterQueue.arn, retry: MAX_RECEIVE_COUNT },
  transform: {
    queue: {
      messageRetentionSeconds: QUEUE_RETENTION_SECONDS,
      kmsMasterKeyId: messagingKey.arn,
    },
  },
});

const account = aws.getCallerIdentityOutput({}).accountId;

/**
 * Who may send to the jobs queue: S3, for our uploads bucket, in our account, and no one else.
 * SST's `bucket.notify` would write a policy letting the `s3`, `sns` and `events` service
 * principals send with no source condition (a confused-deputy gap), so it is declared here, as
 * AWS's example for an S3 event destination queue does:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export const queuePolicy = new aws.sqs.QueuePolicy("QueuePolicy", {
  queueUrl: queue.url,
  policy: aws.iam.getPolicyDocumentOutput({
    statements: [
      {
        sid: "UploadsBucketSendsObjectCreatedEvents",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["s3.amazonaws.com"] }],
        actions: ["sqs:SendMessage"],
        resources: [queue.arn],
        conditions: [
          { test: "ArnEquals", variable: "aws:SourceArn", values: [uploads.arn] },
          { test: "StringEquals", variable: "aws:SourceAccount", values: [account] },
        ],
      },
    ],
  }).json,
});

/**
 * Every object created under `uploads/` becomes one message on the jobs queue. S3 checks that it
 * may send to the queue when the configuration is put (and sends `s3:TestEvent`), so the queue
 * policy must exist first.
 */
export const uploadNotifications = new aws.s3.BucketNotification(
  "UploadsNotification",
  {
    bucket: uploads.name,
    queues: [
      {
        id: "UploadCreated",
        queueArn: queue.arn,
        events: ["s3:ObjectCreated:*"],
        filterPrefix: UPLOAD_PREFIX,
      },
    ],
  },
  { dependsOn: [queuePolicy] },
);
