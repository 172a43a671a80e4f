/**
 * The stack's buckets, from one table: each application bucket's CORS for the site and its
 * notifications to the queue; its replica, and the replication rule, come from the contract's
 * `REPLICATION`, the declaration infra/storage.ts deploys.
 */
import {
  REPLICATION,
  type ReplicaLink,
  type ReplicatedBucket,
  UPLOAD_PREFIX,
} from "@artai/core/contract";
import type { LocalS3Options, NotificationRule } from "../s3/index.ts";
import { NAMES, REPLICA_REGION } from "./names.ts";

/** The local bucket behind each bucket link, replicas included. */
const BUCKET_LINKS: Record<ReplicatedBucket | ReplicaLink, string> = {
  Uploads: NAMES.uploads,
  Outputs: NAMES.outputs,
  UploadsReplica: NAMES.uploadsReplica,
  OutputsReplica: NAMES.outputsReplica,
};

/**
 * The application buckets: what the site's pages may do with each (CORS) and which new objects
 * notify the queue. The browser POSTs uploads and reads both through presigned links.
 */
const BUCKETS: Record<
  ReplicatedBucket,
  { methods: string[]; expose: string[]; notifications?: NotificationRule[] }
> = {
  Uploads: {
    methods: ["POST", "GET", "HEAD"],
    expose: ["ETag", "x-amz-version-id"],
    notifications: [{ prefix: UPLOAD_PREFIX, events: ["s3:ObjectCreated:*"] }],
  },
  Outputs: { methods: ["GET", "HEAD"], expose: ["ETag"] },
};

/**
 * The replication of infra/storage.ts, from the same declaration (`REPLICATION`): each source
 * bucket's rule, and its replica, versioned, in the replica region.
 */
function replicationOf(source: ReplicatedBucket) {
  return {
    destination: BUCKET_LINKS[REPLICATION.buckets[source]],
    deleteMarkers: REPLICATION.deleteMarkers,
  };
}

/** Every bucket for the local S3, the site's origins allowed by CORS. */
export function stackBuckets(siteOrigins: string[]): NonNullable<LocalS3Options["buckets"]> {
  return [
    // The replicas first: a replication rule needs its destination.
    ...Object.values(REPLICATION.buckets).map((link) => ({
      name: BUCKET_LINKS[link],
      versioning: true,
      region: REPLICA_REGION,
    })),
    ...(Object.keys(BUCKETS) as ReplicatedBucket[]).map((link) => {
      const { methods, expose, notifications } = BUCKETS[link];
      return {
        name: BUCKET_LINKS[link],
        versioning: true,
        replication: replicationOf(link),
        cors: [
          {
            allowedOrigins: siteOrigins,
            allowedMethods: methods,
            allowedHeaders: ["*"],
            exposeHeaders: expose,
            maxAgeSeconds: 3600,
          },
        ],
        ...(notifications ? { notifications } : {}),
      };
    }),
  ];
}

/** The `Resource` link of every bucket: the application buckets, then their replicas. */
export function bucketLinks(): Record<string, string> {
  return {
    ...Object.fromEntries(
      (Object.keys(BUCKETS) as ReplicatedBucket[]).map((link) => [
        `SST_RESOURCE_${link}`,
        JSON.stringify({ name: BUCKET_LINKS[link], type: "sst.aws.Bucket" }),
      ]),
    ),
    ...Object.fromEntries(
      Object.values(REPLICATION.buckets).map((link) => [
        `SST_RESOURCE_${link}`,
        JSON.stringify({
          name: BUCKET_LINKS[link],
          region: REPLICA_REGION,
          type: "sst.sst.Linkable",
        }),
      ]),
    ),
  };
}
