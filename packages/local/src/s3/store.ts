import { createHash, randomBytes } from "node:crypto";
import { constants, createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { noSuchBucket, noSuchKey, noSuchVersion, S3Error } from "./errors.ts";

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

export interface ObjectVersion {
  /** "null" for objects written while versioning was never enabled or is suspended. */
  versionId: string;
  deleteMarker: boolean;
  lastModified: string;
  size: number;
  /** Quoted md5 hex, as S3 returns it. */
  etag: string;
  contentType: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  /** Blob file name inside the key's directory. */
  blob?: string;
  /** Creation order (hex), increasing across all writes. */
  order: string;
  /** `x-amz-replication-status`: COMPLETED on a replicated source version, REPLICA on its copy. */
  replicationStatus?: "COMPLETED" | "REPLICA";
}

interface KeyRecord {
  key: string;
  /** Newest first. */
  versions: ObjectVersion[];
  /** Last notification sequencer issued for this key (fixed-width hex). */
  sequencer?: string;
}

interface BucketState {
  config: BucketConfig;
  keys: Map<string, KeyRecord>;
  sortedKeys?: string[];
}

export interface NewObject {
  size: number;
  /** Quoted: md5 hex, or for multipart uploads the md5 of the parts' md5s with "-N". */
  etag: string;
  contentType: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
}

export interface Committed {
  version: ObjectVersion;
  sequencer: string;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Compares keys by their UTF-8 bytes, the order S3 lists them in. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * Version ids are opaque to clients but start with the version's position in time, so a
 * ListObjectVersions page can resume after a version-id-marker even once that version is gone.
 */
function newVersionId(order: bigint): string {
  const bytes = randomBytes(24);
  bytes.writeBigUInt64BE(order, 0);
  return bytes.toString("base64url");
}

/** The creation order encoded in a version id, or undefined for "null" and foreign ids. */
export function versionOrder(versionId: string): bigint | undefined {
  if (!/^[A-Za-z0-9_-]{32}$/.test(versionId)) return undefined;
  return Buffer.from(versionId, "base64url").readBigUInt64BE(0);
}

/**
 * Buckets and object versions on disk: every key has a directory (named by the hash of the
 * key) holding one blob per version and an index.json; all writes land in dataDir/tmp and are
 * fsynced and renamed into place, so a crash leaves either the old or the new state.
 * An in-memory index mirrors the disk for listing.
 */
export class ObjectStore {
  private readonly buckets = new Map<string, BucketState>();
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Last value of the store's clock (µs since epoch, strictly increasing, restored on load). */
  private last = 0n;

  constructor(private readonly dataDir: string) {}

  get tmpDir() {
    return join(this.dataDir, "tmp");
  }

  async load(): Promise<void> {
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
    await mkdir(join(this.dataDir, "buckets"), { recursive: true });
    for (const name of await readdir(join(this.dataDir, "buckets"))) {
      const dir = this.bucketDir(name);
      let config: BucketConfig;
      try {
        config = JSON.parse(await readFile(join(dir, "bucket.json"), "utf8")) as BucketConfig;
      } catch {
        continue;
      }
      const state: BucketState = { config, keys: new Map() };
      this.buckets.set(name, state);
      const objects = join(dir, "objects");
      for (const shard of await readdir(objects).catch(() => [] as string[])) {
        for (const keyHash of await readdir(join(objects, shard))) {
          try {
            const record = JSON.parse(
              await readFile(join(objects, shard, keyHash, "index.json"), "utf8"),
            ) as KeyRecord;
            if (record.versions.length > 0) state.keys.set(record.key, record);
            if (record.sequencer) this.bump(BigInt(`0x${record.sequencer}`));
            for (const v of record.versions) this.bump(BigInt(`0x${v.order}`));
          } catch {
            // A key directory without index.json is a write that never committed.
          }
        }
      }
    }
  }

  /** A fresh temp file path on the same filesystem as the objects. */
  tempPath(): string {
    return join(this.tmpDir, randomBytes(12).toString("hex"));
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
    await mkdir(join(this.bucketDir(name), "objects"), { recursive: true });
    await this.writeJson(join(this.bucketDir(name), "bucket.json"), config);
    this.buckets.set(name, { config, keys: new Map() });
    return config;
  }

  async updateBucket(name: string, change: Partial<Omit<BucketConfig, "name" | "creationDate">>) {
    const state = this.state(name);
    const config = { ...state.config, ...change };
    await this.writeJson(join(this.bucketDir(name), "bucket.json"), config);
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
    await rm(this.bucketDir(name), { recursive: true, force: true });
  }

  /** The version GET/HEAD would serve: a given versionId or the latest (404 on a delete marker). */
  getVersion(bucket: string, key: string, versionId?: string): ObjectVersion {
    const record = this.state(bucket).keys.get(key);
    if (versionId !== undefined) {
      const version = record?.versions.find((v) => v.versionId === versionId);
      if (!version) {
        if (versionId !== "null" && !/^[A-Za-z0-9_-]{32}$/.test(versionId)) {
          throw new S3Error("InvalidArgument", "Invalid version id specified", 400, {
            ArgumentName: "versionId",
            ArgumentValue: versionId,
          });
        }
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
    return createReadStream(join(this.keyDir(bucket, key), version.blob), range);
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
    const temp = this.tempPath();
    try {
      await pipeline(body, createWriteStream(temp, { flags: "wx" }));
      const handle = await open(temp, "r+");
      await handle.sync();
      await handle.close();
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return {
      path: temp,
      commit: (bucket, key, object) => this.commitFile(bucket, key, temp, object),
      discard: () => rm(temp, { force: true }),
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
      const dir = this.keyDir(bucket, key);
      await mkdir(dir, { recursive: true });
      const blob = `${randomBytes(12).toString("hex")}.blob`;
      await rename(temp, join(dir, blob));
      const enabled = state.config.versioning === "Enabled";
      const order = this.nextOrder();
      const version: ObjectVersion = {
        versionId: enabled ? newVersionId(order) : "null",
        order: order.toString(16),
        deleteMarker: false,
        lastModified: new Date().toISOString(),
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
      const sequencer = this.nextSequencer(record.sequencer);
      const next: KeyRecord = {
        key,
        versions: [version, ...record.versions.filter((v) => enabled || v.versionId !== "null")],
        sequencer,
      };
      await this.writeRecord(bucket, next);
      if (!state.keys.has(key)) state.sortedKeys = undefined;
      state.keys.set(key, next);
      await this.removeBlobs(dir, replaced);
      await this.replicate(bucket, key, version, join(dir, blob));
      return { version, sequencer };
    });
  }

  /**
   * Copies a new version or delete marker of `key` to the bucket's replication destination, with
   * its version id, order, dates and metadata, as S3 replication does. Synchronous here: the copy
   * exists once the write that made it has been answered.
   */
  private async replicate(bucket: string, key: string, version: ObjectVersion, blobPath?: string) {
    const rule = this.state(bucket).config.replication;
    if (!rule || version.versionId === "null") return;
    if (version.deleteMarker && !rule.deleteMarkers) return;
    await this.withKeyLock(rule.destination, key, async () => {
      const state = this.state(rule.destination);
      const record = state.keys.get(key) ?? { key, versions: [] };
      if (record.versions.some((v) => v.versionId === version.versionId)) return;
      const dir = this.keyDir(rule.destination, key);
      await mkdir(dir, { recursive: true });
      let blob: string | undefined;
      if (blobPath !== undefined && !version.deleteMarker) {
        blob = `${randomBytes(12).toString("hex")}.blob`;
        const temp = this.tempPath();
        await copyFile(blobPath, temp, constants.COPYFILE_FICLONE);
        const handle = await open(temp, "r+");
        await handle.sync();
        await handle.close();
        await rename(temp, join(dir, blob));
      }
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
      const next: KeyRecord = { ...record, versions };
      await this.writeRecord(rule.destination, next);
      if (!state.keys.has(key)) state.sortedKeys = undefined;
      state.keys.set(key, next);
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
      const dir = this.keyDir(bucket, key);
      const status = state.config.versioning;
      let result: { deleteMarker: boolean; versionId?: string };
      let versions: ObjectVersion[];
      let removed: ObjectVersion[];
      // Only a new delete marker replicates; a delete that names a version stays in this bucket.
      let replicated: ObjectVersion | undefined;
      if (versionId !== undefined) {
        const target = record.versions.find((v) => v.versionId === versionId);
        if (!target) {
          if (versionId !== "null" && !/^[A-Za-z0-9_-]{32}$/.test(versionId)) {
            throw new S3Error("InvalidArgument", "Invalid version id specified", 400, {
              ArgumentName: "versionId",
              ArgumentValue: versionId,
            });
          }
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
        const order = this.nextOrder();
        const marker: ObjectVersion = {
          versionId: status === "Enabled" ? newVersionId(order) : "null",
          order: order.toString(16),
          deleteMarker: true,
          lastModified: new Date().toISOString(),
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
        await rm(dir, { recursive: true, force: true });
        return result;
      }
      const next: KeyRecord = { ...record, versions };
      await this.writeRecord(bucket, next);
      if (!state.keys.has(key)) state.sortedKeys = undefined;
      state.keys.set(key, next);
      await this.removeBlobs(dir, removed);
      if (replicated) await this.replicate(bucket, key, replicated);
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

  private state(name: string): BucketState {
    const state = this.buckets.get(name);
    if (!state) throw noSuchBucket(name);
    return state;
  }

  private bucketDir(name: string) {
    return join(this.dataDir, "buckets", name);
  }

  private keyDir(bucket: string, key: string) {
    const hash = createHash("sha256").update(key).digest("hex");
    return join(this.bucketDir(bucket), "objects", hash.slice(0, 2), hash);
  }

  private async writeRecord(bucket: string, record: KeyRecord) {
    await this.writeJson(join(this.keyDir(bucket, record.key), "index.json"), record);
  }

  private async removeBlobs(dir: string, versions: ObjectVersion[]) {
    for (const v of versions) {
      if (v.blob) await rm(join(dir, v.blob), { force: true });
    }
  }

  private async writeJson(path: string, value: unknown) {
    const temp = this.tempPath();
    const handle = await open(temp, "wx");
    try {
      await handle.writeFile(JSON.stringify(value));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  }

  private withKeyLock<T>(bucket: string, key: string, fn: () => Promise<T>): Promise<T> {
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

  /** A strictly increasing µs clock shared by version order and sequencers. */
  private nextOrder(): bigint {
    const now = BigInt(Date.now()) * 1000n;
    this.last = now > this.last ? now : this.last + 1n;
    return this.last;
  }

  /** Sequencers are fixed-width hex, strictly increasing per key and across restarts. */
  private nextSequencer(previous?: string): string {
    let next = this.nextOrder();
    if (previous !== undefined) {
      const prev = BigInt(`0x${previous}`);
      if (next <= prev) next = prev + 1n;
    }
    this.bump(next);
    return next.toString(16).toUpperCase().padStart(16, "0");
  }

  private bump(value: bigint) {
    if (value > this.last) this.last = value;
  }
}
