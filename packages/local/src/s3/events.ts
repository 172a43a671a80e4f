import { randomBytes } from "node:crypto";
import type { NotificationRule } from "./store-types.ts";

export type ObjectCreatedEventName =
  | "ObjectCreated:Put"
  | "ObjectCreated:Post"
  | "ObjectCreated:Copy"
  | "ObjectCreated:CompleteMultipartUpload";

/** One record of an S3 event notification, shaped as AWS delivers it to SQS. */
export interface S3ObjectCreatedRecord {
  eventVersion: "2.1";
  eventSource: "aws:s3";
  awsRegion: string;
  /** ISO 8601 with milliseconds. */
  eventTime: string;
  eventName: ObjectCreatedEventName;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { "x-amz-request-id": string; "x-amz-id-2": string };
  s3: {
    s3SchemaVersion: "1.0";
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: {
      /** URL-encoded as AWS does: spaces as "+", other reserved and non-ASCII bytes as %XX. */
      key: string;
      size: number;
      /** md5 hex, without quotes. */
      eTag: string;
      /** Present when the bucket is versioned. */
      versionId?: string;
      /** Hex; compare after left-padding to equal length. Strictly increasing per key. */
      sequencer: string;
    };
  };
}

/** The message S3 sends once when a notification configuration is set on a bucket. */
export interface TestEvent {
  Service: "Amazon S3";
  Event: "s3:TestEvent";
  Time: string;
  Bucket: string;
  RequestId: string;
  HostId: string;
}

export type S3Notification = { Records: S3ObjectCreatedRecord[] } | TestEvent;

/** The principal local requests are attributed to (all credentials share one owner). */
export const LOCAL_PRINCIPAL = "A1ARTAILOCALOWNER";

/**
 * Encodes a key the way S3 writes it into event notifications: form-style encoding
 * (space as "+", "+" as %2B, non-ASCII as UTF-8 %XX) that keeps "/" and "*" literal.
 */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+")
    .replace(/%2F/g, "/");
}

/** The rule (and its configuration id) that sends `eventName` for `key`, if any. */
export function matchNotification(
  rules: NotificationRule[] | undefined,
  eventName: string,
  key: string,
): { rule: NotificationRule; configurationId: string } | undefined {
  const full = `s3:${eventName}`;
  for (const [index, rule] of (rules ?? []).entries()) {
    const events = rule.events ?? ["s3:ObjectCreated:*"];
    const eventMatches = events.some((pattern) =>
      pattern.endsWith("*") ? full.startsWith(pattern.slice(0, -1)) : pattern === full,
    );
    if (!eventMatches) continue;
    if (rule.prefix !== undefined && !key.startsWith(rule.prefix)) continue;
    if (rule.suffix !== undefined && !key.endsWith(rule.suffix)) continue;
    return { rule, configurationId: `artai-local-notification-${index + 1}` };
  }
  return undefined;
}

export function requestIds() {
  return {
    requestId: randomBytes(8).toString("hex").toUpperCase(),
    hostId: randomBytes(48).toString("base64"),
  };
}
