/**
 * The data stores: dynalite behind its IAM front, and the local S3 with the buckets' table. Each
 * can be restarted on the same port and data, a fault for the reliability tests (`Stack.restart`).
 */
import { join } from "node:path";
import { startDynamo } from "../dynamo.ts";
import { LOCAL_ACCOUNT } from "../iam/index.ts";
import type { LocalQueue } from "../queue/queue.ts";
import { startLocalS3 } from "../s3/index.ts";
import { stackBuckets } from "./buckets.ts";
import { CREDENTIALS, NAMES, REGION } from "./names.ts";
import type { Closers, StackContext } from "./types.ts";

export interface Restartable {
  url: string;
  /** Stops the server, keeps it down for `downMs`, then starts it again on the same port. */
  restart(downMs?: number): Promise<void>;
}

async function restartable(
  start: (port?: number) => Promise<{ url: string; close(): Promise<void> }>,
  closers: Closers,
): Promise<Restartable> {
  let server = await start();
  const port = Number(new URL(server.url).port);
  closers.push(() => server.close());
  return {
    url: server.url,
    async restart(downMs = 0) {
      await server.close();
      await new Promise((r) => setTimeout(r, downMs));
      server = await start(port);
    },
  };
}

/** The jobs table in dynalite, persisted under `<dataDir>/dynamo`, each request checked by IAM. */
export function startStackDynamo({ dataDir, host, iam, closers }: StackContext) {
  const options = {
    path: join(dataDir, "dynamo"),
    tableName: NAMES.table,
    region: REGION,
    credentials: CREDENTIALS,
    host,
    iam: { credentials: iam.credentials(), authorize: iam.authorize, accountId: LOCAL_ACCOUNT },
  };
  return restartable((port) => startDynamo({ ...options, port }), closers);
}

/**
 * The local S3 with the buckets of stack/buckets.ts, their CORS for the site's two origins, and
 * their ObjectCreated notifications sent to the jobs queue.
 */
export function startStackS3(
  { dataDir, host, iam, closers }: StackContext,
  siteOrigins: string[],
  jobs: LocalQueue,
) {
  const options = {
    dataDir: join(dataDir, "s3"),
    host,
    region: REGION,
    credentials: iam.credentials(),
    authorize: iam.authorize,
    buckets: stackBuckets(siteOrigins),
    onEvent: (event: unknown) => {
      jobs.send(JSON.stringify(event));
    },
  };
  return restartable((port) => startLocalS3({ ...options, port }), closers);
}
