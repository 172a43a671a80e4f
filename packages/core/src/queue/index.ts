/**
 * The jobs queue, for the one case where ArtAI writes to it itself: the sweeper re-driving a job
 * whose delivery was lost. Normal work arrives from S3 notifications.
 */
import { ChangeMessageVisibilityCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { Resource } from "sst";
import { sqs } from "../aws/index.ts";

/** Sends a message shaped like an S3 ObjectCreated notification for `key`. */
export async function redrive(input: { bucket: string; key: string; versionId?: string }) {
  const body = {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "artai:sweeper",
        eventName: "ObjectCreated:Redrive",
        eventTime: new Date().toISOString(),
        s3: {
          bucket: { name: input.bucket },
          object: {
            key: encodeURIComponent(input.key).replace(/%2F/g, "/"),
            versionId: input.versionId,
          },
        },
      },
    ],
  };
  await sqs().send(
    new SendMessageCommand({ QueueUrl: Resource.Queue.url, MessageBody: JSON.stringify(body) }),
  );
}

/** First retry delay in seconds; each further delivery waits twice as long, up to 15 minutes. */
export const retryBaseSeconds = () => Number(process.env.ARTAI_RETRY_BASE_SECONDS ?? "10");

/** The delay before delivery number `receiveCount + 1`: exponential backoff. */
export const backoffSeconds = (receiveCount: number) =>
  Math.min(900, Math.round(retryBaseSeconds() * 2 ** Math.max(receiveCount - 1, 0)));

/**
 * Delays the next delivery of a message that failed, instead of waiting out the whole visibility
 * timeout (six times the worker's timeout).
 */
export async function backoff(receiptHandle: string, receiveCount: number) {
  await sqs().send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: Resource.Queue.url,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: backoffSeconds(receiveCount),
    }),
  );
}
