import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { type LocalS3Options, startLocalS3 } from "../src/s3/index.ts";

export const REGION = "us-east-1";
export const CREDENTIALS = {
  accessKeyId: "ARTAILOCALTESTKEY",
  secretAccessKey: "artai-local-test-secret",
};

type Event = Parameters<NonNullable<LocalS3Options["onEvent"]>>[0];

/** A real local S3 on a free port with a temp data dir, an SDK client, and the events it sent. */
export async function startTestS3(buckets: LocalS3Options["buckets"] = [], dataDir?: string) {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), "artai-s3-")));
  const events: Event[] = [];
  const server = await startLocalS3({
    dataDir: dir,
    region: REGION,
    credentials: [CREDENTIALS],
    buckets,
    onEvent: (event) => {
      events.push(event);
    },
  });
  return {
    ...server,
    dataDir: dir,
    events,
    client: clientFor(server.url),
    /** Closes the server and deletes the data dir. */
    async destroy() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A local S3 started by startTestS3. */
export type TestS3 = Awaited<ReturnType<typeof startTestS3>>;

export function clientFor(
  url: string,
  credentials: { accessKeyId: string; secretAccessKey: string } = CREDENTIALS,
  extra: Partial<ConstructorParameters<typeof S3Client>[0]> = {},
) {
  return new S3Client({
    endpoint: url,
    forcePathStyle: true,
    region: REGION,
    credentials,
    maxAttempts: 1,
    ...extra,
  });
}

/** Parses `<Code>` and `<Message>` out of an S3 XML error body. */
export async function errorOf(
  response: Response,
): Promise<{ status: number; code?: string; message?: string }> {
  const body = await response.text();
  return {
    status: response.status,
    code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1],
    message: /<Message>([^<]*)<\/Message>/.exec(body)?.[1],
  };
}
