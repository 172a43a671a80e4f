/** The browser-upload setup the POST and notification tests share: one bucket, a presigner, a form. */
import { ListObjectVersionsCommand } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import type { S3ObjectCreatedRecord } from "../src/s3/index.ts";
import { CREDENTIALS, clientFor, type TestS3 } from "./s3-helpers.ts";

export const APP_ORIGIN = "http://app.artai.test";
export const BUCKET = "uploads";
export const MAX_BYTES = 1024;

export const BUCKETS = [
  {
    name: BUCKET,
    versioning: true,
    cors: [
      {
        allowedOrigins: [APP_ORIGIN],
        allowedMethods: ["POST", "GET"],
        allowedHeaders: ["*"],
        exposeHeaders: ["ETag", "x-amz-version-id"],
        maxAgeSeconds: 600,
      },
    ],
    notifications: [{ prefix: "uploads/", events: ["s3:ObjectCreated:*"] }],
  },
];

export const records = (s3: TestS3): S3ObjectCreatedRecord[] =>
  s3.events.flatMap((e) => ("Records" in e ? e.Records : []));

/** Presigns the way ArtAI's upload module does: fixed key, size range, exact Content-Type. */
export async function presign(
  s3: TestS3,
  key: string,
  options: { clockOffsetMs?: number; expires?: number } = {},
) {
  const client = clientFor(s3.url, CREDENTIALS, { systemClockOffset: options.clockOffsetMs ?? 0 });
  return createPresignedPost(client, {
    Bucket: BUCKET,
    Key: key,
    Conditions: [
      ["content-length-range", 1, MAX_BYTES],
      ["starts-with", "$Content-Type", "image/"],
    ],
    Fields: { "Content-Type": "image/png" },
    Expires: options.expires ?? 300,
  });
}

/** A browser-style multipart POST: every field in order, the file last. */
export function postForm(
  url: string,
  fields: Record<string, string>,
  file: Uint8Array | string,
  origin = APP_ORIGIN,
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", new Blob([file]), "photo.png");
  return fetch(url, { method: "POST", body: form, headers: { origin } });
}

/** Every version and delete marker under a key, in one list. */
export async function versionsOf(s3: TestS3, key: string) {
  const listed = await s3.client.send(
    new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: key }),
  );
  return [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])];
}
