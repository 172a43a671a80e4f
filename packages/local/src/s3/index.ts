import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Authorizer } from "../iam/index.ts";
import { SigV4Verifier } from "./auth.ts";
import { S3Error } from "./errors.ts";
import {
  requestIds,
  type S3Notification,
  type S3ObjectCreatedRecord,
  type TestEvent,
} from "./events.ts";
import { MultipartUploads } from "./multipart.ts";
import { parseQuery, type RequestContext, S3Handler } from "./router.ts";
import { ObjectStore } from "./store.ts";
import type { BucketConfig, CorsRule, NotificationRule, ReplicationRule } from "./store-types.ts";

export type { ObjectCreatedEventName, S3ObjectCreatedRecord, TestEvent } from "./events.ts";
export { encodeEventKey } from "./events.ts";
export type { CorsRule, NotificationRule, ReplicationRule } from "./store-types.ts";

export interface LocalS3Options {
  /** Persistence root; objects, versions and bucket configuration survive restarts. */
  dataDir: string;
  /** Default "127.0.0.1". */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** e.g. "us-east-1"; requests signed for another region are refused. */
  region: string;
  /** The only keys whose SigV4 signatures are accepted. */
  credentials: { accessKeyId: string; secretAccessKey: string }[];
  /**
   * IAM, after the signature: whether a key may perform an action on a resource (the local
   * stack's per-function permissions). Absent, every accepted key may do everything.
   */
  authorize?: Authorizer;
  /** Created (or updated) at start; an omitted setting keeps the persisted one. */
  buckets?: {
    name: string;
    versioning?: boolean;
    cors?: CorsRule[];
    notifications?: NotificationRule[];
    /** The bucket's own region (default `region`): requests to it must be signed for that one. */
    region?: string;
    /** Cross-region replication to another of these buckets; both must be versioned. */
    replication?: ReplicationRule;
  }[];
  /**
   * S3 → queue. Called once the object is durable and before the client gets its response;
   * a notification configuration new to a bucket first sends one s3:TestEvent.
   */
  onEvent?: (event: { Records: S3ObjectCreatedRecord[] } | TestEvent) => void | Promise<void>;
}

export interface LocalS3 {
  /** Endpoint for the SDK (use forcePathStyle: true) and browsers, e.g. http://127.0.0.1:4569 */
  url: string;
  port: number;
  /** Stops accepting requests, lets in-flight ones finish (5 s at most), then closes. */
  close(): Promise<void>;
}

const DELIVERY_ATTEMPTS = 3;

/**
 * Starts ArtAI's local S3: SigV4-verified REST and browser POST uploads, versioning, CORS and
 * ObjectCreated notifications, persisted under `dataDir`.
 */
export async function startLocalS3(opts: LocalS3Options): Promise<LocalS3> {
  const store = new ObjectStore(opts.dataDir);
  await store.load();
  const pendingTestEvents: string[] = [];
  for (const bucket of opts.buckets ?? []) {
    const before: BucketConfig = store.hasBucket(bucket.name)
      ? store.bucket(bucket.name)
      : await store.createBucket(bucket.name);
    const change: Partial<BucketConfig> = {};
    if (bucket.versioning === true) change.versioning = "Enabled";
    else if (bucket.versioning === false && before.versioning === "Enabled")
      change.versioning = "Suspended";
    if (bucket.cors !== undefined) change.cors = bucket.cors;
    if (bucket.region !== undefined) change.region = bucket.region;
    if (bucket.replication !== undefined) change.replication = bucket.replication;
    if (bucket.notifications !== undefined) {
      change.notifications = bucket.notifications;
      const changed =
        JSON.stringify(before.notifications ?? []) !== JSON.stringify(bucket.notifications);
      if (changed && bucket.notifications.length > 0) pendingTestEvents.push(bucket.name);
    }
    if (Object.keys(change).length > 0) await store.updateBucket(bucket.name, change);
  }

  // As PutBucketReplication does: both sides versioned, and (here) no chains or loops.
  for (const bucket of store.listBuckets()) {
    const rule = bucket.replication;
    if (!rule) continue;
    const destination = store.hasBucket(rule.destination)
      ? store.bucket(rule.destination)
      : undefined;
    if (!destination || destination.name === bucket.name || destination.replication) {
      throw new Error(
        `${bucket.name}: replication needs another bucket as destination, not ${rule.destination}`,
      );
    }
    if (bucket.versioning !== "Enabled" || destination.versioning !== "Enabled") {
      throw new Error(
        `${bucket.name}: replication needs versioning on ${bucket.name} and ${rule.destination}`,
      );
    }
  }

  const deliver = async (event: S3Notification) => {
    if (!opts.onEvent) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await opts.onEvent(event);
        return;
      } catch (error) {
        if (attempt >= DELIVERY_ATTEMPTS) {
          console.error("[local-s3] event delivery failed; the event is lost", error);
          return;
        }
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
  };

  const handler = new S3Handler({
    store,
    multipart: new MultipartUploads(opts.dataDir, store),
    verifier: new SigV4Verifier(opts.region, opts.credentials),
    region: opts.region,
    deliver,
    authorize: opts.authorize,
  });
  const inFlight = new Set<Promise<void>>();

  const server = createServer((req, res) => {
    const { requestId, hostId } = requestIds();
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const rawPath = q === -1 ? url : url.slice(0, q);
    const ctx: RequestContext = {
      req,
      res,
      requestId,
      hostId,
      rawPath,
      query: {},
      origin: typeof req.headers.origin === "string" ? req.headers.origin : undefined,
    };
    const work = (async () => {
      try {
        ctx.query = parseQuery(q === -1 ? "" : url.slice(q + 1));
        const path = rawPath.replace(/^\//, "");
        const slash = path.indexOf("/");
        const bucketPart = slash === -1 ? path : path.slice(0, slash);
        const keyPart = slash === -1 ? "" : path.slice(slash + 1);
        if (bucketPart) ctx.bucket = decodeURIComponent(bucketPart);
        if (keyPart) ctx.key = decodeURIComponent(keyPart);
        await handler.handle(ctx);
      } catch (error) {
        handler.sendError(
          ctx,
          error instanceof URIError
            ? new S3Error("InvalidURI", "Couldn't parse the specified URI.", 400)
            : error,
        );
      }
    })();
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? "127.0.0.1";
  const urlHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;

  for (const bucket of pendingTestEvents) {
    const ids = requestIds();
    await deliver({
      Service: "Amazon S3",
      Event: "s3:TestEvent",
      Time: new Date().toISOString(),
      Bucket: bucket,
      RequestId: ids.requestId,
      HostId: ids.hostId,
    });
  }

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.race([
          Promise.allSettled([...inFlight]),
          new Promise((r) => setTimeout(r, 5000).unref()),
        ]);
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}
