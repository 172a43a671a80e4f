/** What every operation of the local S3 shares: the store, the signer check, IAM and notifications. */
import type { Authorizer } from "../iam/index.ts";
import type { SigV4Verifier } from "./auth.ts";
import { accessDenied } from "./errors.ts";
import {
  encodeEventKey,
  LOCAL_PRINCIPAL,
  matchNotification,
  type ObjectCreatedEventName,
  type S3Notification,
  type S3ObjectCreatedRecord,
} from "./events.ts";
import type { RequestContext } from "./http.ts";
import type { MultipartUploads } from "./multipart.ts";
import type { ObjectStore } from "./store.ts";
import type { BucketConfig, Committed } from "./store-types.ts";

export interface ServerDeps {
  store: ObjectStore;
  verifier: SigV4Verifier;
  multipart: MultipartUploads;
  region: string;
  deliver: (event: S3Notification) => Promise<void>;
  /** IAM: whether a caller may perform an action on a resource. Absent, every signer may. */
  authorize?: Authorizer;
}

export class S3Service {
  constructor(readonly deps: ServerDeps) {}

  get store() {
    return this.deps.store;
  }

  get multipart() {
    return this.deps.multipart;
  }

  /** The region a bucket lives in: its own, else the server's (also for unknown buckets). */
  regionOf(bucket: string | undefined): string {
    if (bucket === undefined || !this.store.hasBucket(bucket)) return this.deps.region;
    return this.store.bucket(bucket).region ?? this.deps.region;
  }

  /** Throws AccessDenied unless the request's signer may perform `action` on `resource`. */
  authorize(ctx: RequestContext, action: string, resource: string) {
    if (!this.allowed(ctx.accessKeyId, action, resource)) throw accessDenied();
  }

  allowed(accessKeyId: string | undefined, action: string, resource: string): boolean {
    if (!this.deps.authorize || accessKeyId === undefined) return true;
    return this.deps.authorize(accessKeyId, action, resource).allowed;
  }

  async notify(
    ctx: RequestContext,
    bucket: BucketConfig,
    eventName: ObjectCreatedEventName,
    key: string,
    committed: Committed,
  ) {
    const match = matchNotification(bucket.notifications, eventName, key);
    if (!match) return;
    const record: S3ObjectCreatedRecord = {
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: this.regionOf(bucket.name),
      eventTime: committed.version.lastModified,
      eventName,
      userIdentity: { principalId: `AWS:${LOCAL_PRINCIPAL}` },
      requestParameters: { sourceIPAddress: ctx.req.socket.remoteAddress ?? "127.0.0.1" },
      responseElements: { "x-amz-request-id": ctx.requestId, "x-amz-id-2": ctx.hostId },
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: match.configurationId,
        bucket: {
          name: bucket.name,
          ownerIdentity: { principalId: LOCAL_PRINCIPAL },
          arn: `arn:aws:s3:::${bucket.name}`,
        },
        object: {
          key: encodeEventKey(key),
          size: committed.version.size,
          eTag: committed.version.etag.replaceAll('"', ""),
          ...(bucket.versioning !== undefined ? { versionId: committed.version.versionId } : {}),
          sequencer: committed.sequencer,
        },
      },
    };
    await this.deps.deliver({ Records: [record] });
  }
}
