import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll } from "vitest";
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

/**
 * A test S3 for the enclosing `describe` block: started before its tests, destroyed after them.
 * The object is filled in by beforeAll, so read it inside tests only.
 */
export function useTestS3(buckets: LocalS3Options["buckets"] = []): TestS3 {
  const s3 = {} as TestS3;
  beforeAll(async () => {
    Object.assign(s3, await startTestS3(buckets));
  });
  afterAll(() => s3.destroy());
  return s3;
}

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

/** The error a request was refused with; fails the test if it was not refused. */
export async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error("expected the request to be refused");
}

/** PutObject of one body, with any further PutObject fields. */
export function putObject(
  client: S3Client,
  bucket: string,
  key: string,
  body: PutObjectCommandInput["Body"],
  extra: Partial<PutObjectCommandInput> = {},
) {
  return client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...extra }));
}

/** DeleteObject: a delete marker (or the "null" version's removal), or one version for good. */
export function deleteObject(client: S3Client, bucket: string, key: string, versionId?: string) {
  return client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
}

/** Deletes versions of one key for good, in one DeleteObjects batch. */
export function purgeVersions(
  client: S3Client,
  bucket: string,
  key: string,
  versionIds: (string | undefined)[],
) {
  return client.send(
    new DeleteObjectsCommand({
      Bucket: bucket,
      Delete: { Objects: versionIds.map((VersionId) => ({ Key: key, VersionId })) },
    }),
  );
}

/** The version ids and the delete-marker ids under a prefix, each newest first. */
export async function versionsIn(client: S3Client, bucket: string, prefix: string) {
  const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix }));
  return {
    versions: (page.Versions ?? []).map((v) => v.VersionId),
    markers: (page.DeleteMarkers ?? []).map((m) => m.VersionId),
  };
}
