/**
 * The jobs queue, for the one case where ArtAI writes to it itself: the sweeper re-driving a job
 * whose delivery was lost. Normal work arrives from S3 notifications.
 */
import { SendMessageCommand } from "@aws-sdk/client-sqs";
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
