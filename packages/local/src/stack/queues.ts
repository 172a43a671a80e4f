/** The jobs queue and its dead-letter queue, from the contract's settings, and the SQS API on them. */
import { join } from "node:path";
import { LOCAL_ACCOUNT } from "../iam/index.ts";
import { LocalQueue } from "../queue/queue.ts";
import { startSqsApi } from "../queue/sqs-api.ts";
import { NAMES, QUEUE, REGION } from "./names.ts";
import type { StackContext } from "./types.ts";

export async function startQueues({ dataDir, host, iam, closers }: StackContext) {
  const dlq = new LocalQueue({
    name: NAMES.dlq,
    file: join(dataDir, "queue", `${NAMES.dlq}.json`),
    visibilityTimeoutSeconds: 30,
    retentionSeconds: QUEUE.dlqRetentionSeconds,
  });
  const jobs = new LocalQueue({
    name: NAMES.queue,
    file: join(dataDir, "queue", `${NAMES.queue}.json`),
    visibilityTimeoutSeconds: QUEUE.visibilityTimeoutSeconds,
    retentionSeconds: QUEUE.retentionSeconds,
    deadLetter: { queue: dlq, maxReceiveCount: QUEUE.maxReceiveCount },
  });
  closers.push(async () => {
    await jobs.flush();
    await dlq.flush();
  });
  const sqsApi = await startSqsApi({
    queues: [jobs, dlq],
    host,
    iam: {
      credentials: iam.credentials(),
      authorize: iam.authorize,
      region: REGION,
      accountId: LOCAL_ACCOUNT,
    },
  });
  closers.push(sqsApi.close);
  return { jobs, dlq, sqsApi };
}
