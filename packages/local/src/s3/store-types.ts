/** What the local S3 keeps: bucket configuration, object versions and each key's record of them. */

export type VersioningStatus = "Enabled" | "Suspended";

export interface CorsRule {
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders?: string[];
  exposeHeaders?: string[];
  maxAgeSeconds?: number;
}

export interface NotificationRule {
  prefix?: string;
  suffix?: string;
  events?: string[];
}

/**
 * Cross-region replication of a bucket, with S3's rules: every new object version is copied to
 * `destination` with its version id and metadata; delete markers only if `deleteMarkers`; a
 * delete that names a version never is
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html).
 */
export interface ReplicationRule {
  destination: string;
  deleteMarkers: boolean;
}

export interface BucketConfig {
  name: string;
  creationDate: string;
  versioning?: VersioningStatus;
  cors?: CorsRule[];
  notifications?: NotificationRule[];
  /** The bucket's region; requests must be signed for it. Default: the server's region. */
  region?: string;
  replication?: ReplicationRule;
}

/** Headers S3 stores with an object and returns on GET/HEAD. */
export const STORED_HEADERS = [
  "cache-control",
  "content-disposition",
  "content-encoding",
  "content-language",
  "expires",
] as const;

/** What a writer sets on an object and every version keeps: type, stored headers, `x-amz-meta-*`. */
export interface ObjectAttributes {
  contentType: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
}

export interface ObjectVersion extends ObjectAttributes {
  /** "null" for objects written while versioning was never enabled or is suspended. */
  versionId: string;
  deleteMarker: boolean;
  lastModified: string;
  size: number;
  /** Quoted md5 hex, as S3 returns it. */
  etag: string;
  /** Blob file name inside the key's directory. */
  blob?: string;
  /** Creation order (hex), increasing across all writes. */
  order: string;
  /** `x-amz-replication-status`: COMPLETED on a replicated source version, REPLICA on its copy. */
  replicationStatus?: "COMPLETED" | "REPLICA";
}

export interface KeyRecord {
  key: string;
  /** Newest first. */
  versions: ObjectVersion[];
  /** Last notification sequencer issued for this key (fixed-width hex). */
  sequencer?: string;
}

export interface NewObject extends ObjectAttributes {
  size: number;
  /** Quoted: md5 hex, or for multipart uploads the md5 of the parts' md5s with "-N". */
  etag: string;
}

export interface Committed {
  version: ObjectVersion;
  sequencer: string;
}
