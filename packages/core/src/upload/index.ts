/**
 * Presigned POST uploads. A presigned PUT cannot limit the size of what is sent; a POST policy
 * can, so the object store itself refuses files that are too large, empty, of another type, for
 * another key, or late.
 */
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { s3 } from "../aws/index.ts";
import {
  type ContentType,
  MAX_UPLOAD_BYTES,
  UPLOAD_EXPIRY_SECONDS,
  type UploadTicket,
} from "../contract/index.ts";

/** A POST policy for exactly one key and content type, 1 B to 10 MiB, valid for 15 minutes. */
export async function presign(input: {
  bucket: string;
  key: string;
  contentType: ContentType;
  now?: number;
}): Promise<UploadTicket> {
  const now = input.now ?? Date.now();
  const { url, fields } = await createPresignedPost(s3(), {
    Bucket: input.bucket,
    Key: input.key,
    Conditions: [
      ["content-length-range", 1, MAX_UPLOAD_BYTES],
      ["eq", "$Content-Type", input.contentType],
    ],
    Fields: { "Content-Type": input.contentType },
    Expires: UPLOAD_EXPIRY_SECONDS,
  });
  return { url, fields, expiresAt: new Date(now + UPLOAD_EXPIRY_SECONDS * 1000).toISOString() };
}
