/**
 * The local S3 on disk: dataDir/buckets/<bucket>/bucket.json, and per key
 * objects/<sha256(key)[0:2]>/<sha256(key)>/ holding index.json plus one blob per version. All
 * writes land in dataDir/tmp and are fsynced and renamed into place, so a crash leaves either
 * the old or the new state.
 */
import { createHash, randomBytes } from "node:crypto";
import { constants, createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BucketConfig, KeyRecord, ObjectVersion } from "./store-types.ts";

/** Flushes a written file to the disk before it is renamed into place. */
export async function syncFile(path: string) {
  const handle = await open(path, "r+");
  await handle.sync();
  await handle.close();
}

export class StoreDisk {
  constructor(private readonly dataDir: string) {}

  get tmpDir() {
    return join(this.dataDir, "tmp");
  }

  /** Clears tmp, then reads every bucket and every committed key record. */
  async load(): Promise<{ name: string; config: BucketConfig; records: KeyRecord[] }[]> {
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
    await mkdir(join(this.dataDir, "buckets"), { recursive: true });
    const buckets: { name: string; config: BucketConfig; records: KeyRecord[] }[] = [];
    for (const name of await readdir(join(this.dataDir, "buckets"))) {
      const dir = this.bucketDir(name);
      let config: BucketConfig;
      try {
        config = JSON.parse(await readFile(join(dir, "bucket.json"), "utf8")) as BucketConfig;
      } catch {
        continue;
      }
      const records: KeyRecord[] = [];
      buckets.push({ name, config, records });
      const objects = join(dir, "objects");
      for (const shard of await readdir(objects).catch(() => [] as string[])) {
        for (const keyHash of await readdir(join(objects, shard))) {
          try {
            records.push(
              JSON.parse(
                await readFile(join(objects, shard, keyHash, "index.json"), "utf8"),
              ) as KeyRecord,
            );
          } catch {
            // A key directory without index.json is a write that never committed.
          }
        }
      }
    }
    return buckets;
  }

  /** A fresh temp file path on the same filesystem as the objects. */
  tempPath(): string {
    return join(this.tmpDir, randomBytes(12).toString("hex"));
  }

  async createBucket(config: BucketConfig) {
    await mkdir(join(this.bucketDir(config.name), "objects"), { recursive: true });
    await this.writeBucket(config);
  }

  async writeBucket(config: BucketConfig) {
    await this.writeJson(join(this.bucketDir(config.name), "bucket.json"), config);
  }

  async removeBucket(name: string) {
    await rm(this.bucketDir(name), { recursive: true, force: true });
  }

  /** Streams a body to a synced temp file; nothing is left behind if the stream fails. */
  async receive(body: Readable): Promise<string> {
    const temp = this.tempPath();
    try {
      await pipeline(body, createWriteStream(temp, { flags: "wx" }));
      await syncFile(temp);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return temp;
  }

  async removeTemp(temp: string) {
    await rm(temp, { force: true });
  }

  openBlob(bucket: string, key: string, blob: string, range?: { start: number; end: number }) {
    return createReadStream(join(this.keyDir(bucket, key), blob), range);
  }

  async makeKeyDir(bucket: string, key: string) {
    await mkdir(this.keyDir(bucket, key), { recursive: true });
  }

  /** Moves a synced temp file into the key's directory as a new blob; returns its name. */
  async placeBlob(bucket: string, key: string, temp: string): Promise<string> {
    await this.makeKeyDir(bucket, key);
    const blob = `${randomBytes(12).toString("hex")}.blob`;
    await rename(temp, join(this.keyDir(bucket, key), blob));
    return blob;
  }

  /** Copies a blob into another bucket's directory for the same key (a reflink where possible). */
  async cloneBlob(from: string, key: string, blob: string, to: string): Promise<string> {
    const temp = this.tempPath();
    await copyFile(join(this.keyDir(from, key), blob), temp, constants.COPYFILE_FICLONE);
    await syncFile(temp);
    return this.placeBlob(to, key, temp);
  }

  /**
   * A key's first record may be a delete marker, with no blob placed before it: a simple DELETE
   * of a key never written still succeeds and, in a versioned bucket, leaves a marker
   * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html,
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeleteMarker.html).
   */
  async writeRecord(bucket: string, record: KeyRecord) {
    await this.makeKeyDir(bucket, record.key);
    await this.writeJson(join(this.keyDir(bucket, record.key), "index.json"), record);
  }

  async removeBlobs(bucket: string, key: string, versions: ObjectVersion[]) {
    const dir = this.keyDir(bucket, key);
    for (const v of versions) {
      if (v.blob) await rm(join(dir, v.blob), { force: true });
    }
  }

  async removeKey(bucket: string, key: string) {
    await rm(this.keyDir(bucket, key), { recursive: true, force: true });
  }

  private bucketDir(name: string) {
    return join(this.dataDir, "buckets", name);
  }

  private keyDir(bucket: string, key: string) {
    const hash = createHash("sha256").update(key).digest("hex");
    return join(this.bucketDir(bucket), "objects", hash.slice(0, 2), hash);
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
}
