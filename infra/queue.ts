/**
 * The jobs queue: S3 ObjectCreated events for `uploads/` land here and feed the worker.
 * Failed messages move to the dead-letter queue after five receives.
 */
import {
  DLQ_RETENTION_SECONDS,
  MAX_RECEIVE_COUNT,
  QUEUE_RETENTION_SECONDS,
  QUEUE_VISIBILITY_SECONDS,
} from "./config.ts";
import { messagingKey } from "./kms.ts";
import { UPLOAD_PREFIX, uploads } from "./storage.ts";

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

/** Every object created under `uploads/` becomes one message on the jobs queue. */
export const uploadNotifications = uploads.notify({
  notifications: [
    {
      name: "UploadCreated",
      queue,
      events: ["s3:ObjectCreated:*"],
      filterPrefix: UPLOAD_PREFIX,
    },
  ],
});
