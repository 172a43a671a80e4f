/**
 * Cross-region replication in the local S3 (the rule is documented on ReplicationRule): a new
 * version or delete marker of a key is copied to the bucket's destination with its version id,
 * order, dates and metadata, as S3 replication does. Synchronous here: the copy exists once the
 * write that made it has been answered.
 */
import type { StoreDisk } from "./disk.ts";
import type { BucketConfig, KeyRecord, ObjectVersion } from "./store-types.ts";

/** What replication needs of the store: key records under their lock, and the blobs on disk. */
export interface ReplicaStore {
  readonly disk: StoreDisk;
  bucket(name: string): BucketConfig;
  record(bucket: string, key: string): KeyRecord | undefined;
  saveRecord(bucket: string, record: KeyRecord): Promise<void>;
  withKeyLock<T>(bucket: string, key: string, fn: () => Promise<T>): Promise<T>;
}

/** Copies `version` of `key` to the bucket's replication destination, if its rule covers it. */
export async function replicate(
  store: ReplicaStore,
  bucket: string,
  key: string,
  version: ObjectVersion,
) {
  const rule = store.bucket(bucket).replication;
  if (!rule || version.versionId === "null") return;
  if (version.deleteMarker && !rule.deleteMarkers) return;
  await store.withKeyLock(rule.destination, key, async () => {
    const record = store.record(rule.destination, key) ?? { key, versions: [] };
    if (record.versions.some((v) => v.versionId === version.versionId)) return;
    await store.disk.makeKeyDir(rule.destination, key);
    const blob =
      version.blob !== undefined && !version.deleteMarker
        ? await store.disk.cloneBlob(bucket, key, version.blob, rule.destination)
        : undefined;
    const { replicationStatus: _source, ...copy } = version;
    const replica: ObjectVersion = {
      ...copy,
      blob,
      ...(version.deleteMarker ? {} : { replicationStatus: "REPLICA" as const }),
    };
    // Newest first by creation order, which the source's version id carries.
    const versions = [...record.versions, replica].sort((a, b) =>
      BigInt(`0x${b.order}`) > BigInt(`0x${a.order}`) ? 1 : -1,
    );
    await store.saveRecord(rule.destination, { ...record, versions });
  });
}
