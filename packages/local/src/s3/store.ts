/**
 * The versioned object store of the local S3: buckets, and every key's versions with S3's
 * versioning rules. Each key's writes are serialised by a lock; disk.ts holds the files, and
 * an in-memory index mirrors them for listing.
 */
import type { Readable } from "node:stream";
import { StoreDisk } from "./disk.ts";
import { noSuchBucket, noSuchKey, noSuchVersion, S3Error } from "./errors.ts";
import { compareKeys } from "./listing.ts";
import { type ReplicaStore, replicate } from "./replication.ts";
import type {
  BucketConfig,
  Committed,
  KeyRecord,
  NewObject,
  ObjectVersion,
} from "./store-types.ts";
import { checkVersionIdForm, StoreClock } from "./versions.ts";

interface BucketState {
  config: BucketConfig;
  keys: Map<string, KeyRecord>;
  sortedKeys?: string[];
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export class ObjectStore implements ReplicaStore {
  readonly disk: StoreDisk;
  private readonly buckets = new Map<string, BucketState>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly clock = new StoreClock();

  constructor(dataDir: string) {
    this.disk = new StoreDisk(dataDir);
  }

  async load(): Promise<void> {
    for (const { name, config, records } of await this.disk.load()) {
      const state: BucketState = { config, keys: new Map() };
      this.buckets.set(name, state);
      for (const record of records) {
        if (record.versions.length > 0) state.keys.set(record.key, record);
        if (record.sequencer) this.clock.bump(BigInt(`0x${record.sequencer}`));
        for (const v of record.versions) this.clock.bump(BigInt(`0x${v.order}`));
      }
    }
  }

  listBuckets(): BucketConfig[] {
    return [...this.buckets.values()]
      .map((b) => b.config)
      .sort((a, b) => compareKeys(a.name, b.name));
  }

  bucket(name: string): BucketConfig {
    return this.state(name).config;
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  async createBucket(name: string): Promise<BucketConfig> {
    if (!BUCKET_NAME.test(name) || name.includes("..")) {
      throw new S3Error("InvalidBucketName", "The specified bucket is not valid.", 400, {
        BucketName: name,
      });
    }
    if (this.buckets.has(name)) {
      throw new S3Error(
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        409,
        { BucketName: name },
      );
    }
    const config: BucketConfig = { name, creationDate: new Date().toISOString() };
    await this.disk.createBucket(config);
    this.buckets.set(name, { config, keys: new Map() });
    return config;
  }

  async updateBucket(name: string, change: Partial<Omit<BucketConfig, "name" | "creationDate">>) {
    const state = this.state(name);
    const config = { ...state.config, ...change };
    await this.disk.writeBucket(config);
    state.config = config;
    return config;
  }

  async deleteBucket(name: string): Promise<void> {
    const state = this.state(name);
    if (state.keys.size > 0) {
      throw new S3Error("BucketNotEmpty", "The bucket you tried to delete is not empty", 409, {
        BucketName: name,
      });
    }
    this.buckets.delete(name);
    await this.disk.removeBucket(name);
  }

  /** The version GET/HEAD would serve: a given versionId or the latest (404 on a delete marker). */
  getVersion(bucket: string, key: string, versionId?: string): ObjectVersion {
    const record = this.record(bucket, key);
    if (versionId !== undefined) {
      const version = record?.versions.find((v) => v.versionId === versionId);
      if (!version) {
        checkVersionIdForm(versionId);
        throw noSuchVersion(key, versionId);
      }
      if (version.deleteMarker) {
        throw new S3Error(
          "MethodNotAllowed",
          "The specified method is not allowed against this resource.",
          405,
          { Method: "GET", ResourceType: "DeleteMarker" },
          { "x-amz-delete-marker": "true", "x-amz-version-id": version.versionId },
        );
      }
      return version;
    }
    const latest = record?.versions[0];
    if (!latest) throw noSuchKey(key);
    if (latest.deleteMarker) {
      throw noSuchKey(key, { "x-amz-delete-marker": "true", "x-amz-version-id": latest.versionId });
    }
    return latest;
  }

  openBlob(
    bucket: string,
    key: string,
    version: ObjectVersion,
    range?: { start: number; end: number },
  ): Readable {
    if (!version.blob) throw noSuchKey(key);
    return this.disk.openBlob(bucket, key, version.blob, range);
  }

  /**
   * Streams a body to a temp file. The returned commit() makes it the newest version of the key;
   * discard() removes it. Nothing is visible until commit() resolves.
   */
  async receive(body: Readable): Promise<{
    path: string;
    commit: (bucket: string, key: string, object: NewObject) => Promise<Committed>;
    discard: () => Promise<void>;
  }> {
    const temp = await this.disk.receive(body);
    return {
      path: temp,
      commit: (bucket, key, object) => this.commitFile(bucket, key, temp, object),
      discard: () => this.disk.removeTemp(temp),
    };
  }

  /** Copies an existing version's blob into a temp file, ready to commit under another key. */
  async copyToTemp(bucket: string, key: string, version: ObjectVersion) {
    return this.receive(this.openBlob(bucket, key, version));
  }

  /** Moves a synced temp file into place as the newest version of `key`. */
  async commitFile(
    bucket: string,
    key: string,
    temp: string,
    object: NewObject,
  ): Promise<Committed> {
    return this.withKeyLock(bucket, key, async () => {
      const state = this.state(bucket);
      const blob = await this.disk.placeBlob(bucket, key, temp);
      const enabled = state.config.versioning === "Enabled";
      const version: ObjectVersion = {
        ...this.clock.stamp(enabled),
        deleteMarker: false,
        size: object.size,
        etag: object.etag,
        contentType: object.contentType,
        headers: object.headers,
        metadata: object.metadata,
        blob,
        ...(enabled && state.config.replication ? { replicationStatus: "COMPLETED" as const } : {}),
      };
      const record = state.keys.get(key) ?? { key, versions: [] };
      const replaced = enabled ? [] : record.versions.filter((v) => v.versionId === "null");
      const sequencer = this.clock.sequencer(record.sequencer);
      await this.saveRecord(bucket, {
        key,
        versions: [version, ...record.versions.filter((v) => enabled || v.versionId !== "null")],
        sequencer,
      });
      await this.disk.removeBlobs(bucket, key, replaced);
      await replicate(this, bucket, key, version);
      return { version, sequencer };
    });
  }

  /**
   * DeleteObject semantics: with a versionId, removes that version for good; without one, adds a
   * delete marker (versioned buckets) or removes the "null" version.
   */
  async deleteObject(
    bucket: string,
    key: string,
    versionId?: string,
  ): Promise<{ deleteMarker: boolean; versionId?: string }> {
    return this.withKeyLock(bucket, key, async () => {
      const state = this.state(bucket);
      const record = state.keys.get(key) ?? { key, versions: [] };
      const status = state.config.versioning;
      let result: { deleteMarker: boolean; versionId?: string };
      let versions: ObjectVersion[];
      let removed: ObjectVersion[];
      // Only a new delete marker replicates; a delete that names a version stays in this bucket.
      let replicated: ObjectVersion | undefined;
      if (versionId !== undefined) {
        const target = record.versions.find((v) => v.versionId === versionId);
        if (!target) {
          checkVersionIdForm(versionId);
          return { deleteMarker: false, versionId };
        }
        versions = record.versions.filter((v) => v !== target);
        removed = [target];
        result = { deleteMarker: target.deleteMarker, versionId };
      } else if (status === undefined) {
        versions = record.versions.filter((v) => v.versionId !== "null");
        removed = record.versions.filter((v) => v.versionId === "null");
        result = { deleteMarker: false };
      } else {
        const marker: ObjectVersion = {
          ...this.clock.stamp(status === "Enabled"),
          deleteMarker: true,
          size: 0,
          etag: "",
          contentType: "",
          headers: {},
          metadata: {},
        };
        removed =
          status === "Suspended" ? record.versions.filter((v) => v.versionId === "null") : [];
        versions = [marker, ...record.versions.filter((v) => !removed.includes(v))];
        result = { deleteMarker: true, versionId: marker.versionId };
        replicated = marker;
      }
      if (versions.length === 0) {
        if (state.keys.delete(key)) state.sortedKeys = undefined;
        await this.disk.removeKey(bucket, key);
        return result;
      }
      await this.saveRecord(bucket, { ...record, versions });
      await this.disk.removeBlobs(bucket, key, removed);
      if (replicated) await replicate(this, bucket, key, replicated);
      return result;
    });
  }

  /** Keys (with all their versions) in S3 listing order. */
  sortedRecords(bucket: string): { key: string; versions: ObjectVersion[] }[] {
    const state = this.state(bucket);
    state.sortedKeys ??= [...state.keys.keys()].sort(compareKeys);
    return state.sortedKeys.flatMap((key) => {
      const record = state.keys.get(key);
      return record ? [record] : [];
    });
  }

  record(bucket: string, key: string): KeyRecord | undefined {
    return this.state(bucket).keys.get(key);
  }

  /** Writes a key's record to disk, then into the in-memory index. */
  async saveRecord(bucket: string, record: KeyRecord) {
    const state = this.state(bucket);
    await this.disk.writeRecord(bucket, record);
    if (!state.keys.has(record.key)) state.sortedKeys = undefined;
    state.keys.set(record.key, record);
  }

  withKeyLock<T>(bucket: string, key: string, fn: () => Promise<T>): Promise<T> {
    const id = `${bucket}\u0000${key}`;
    const previous = this.locks.get(id) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }

  private state(name: string): BucketState {
    const state = this.buckets.get(name);
    if (!state) throw noSuchBucket(name);
    return state;
  }
}
