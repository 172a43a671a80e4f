import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { syncFile } from "./disk.ts";
import { S3Error } from "./errors.ts";
import type { ObjectStore } from "./store.ts";
import type { ObjectAttributes } from "./store-types.ts";

/** S3's minimum size for every part but the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;

export interface UploadInfo extends ObjectAttributes {
  bucket: string;
  key: string;
  initiated: string;
}

interface PartInfo {
  partNumber: number;
  etag: string;
  size: number;
}

const noSuchUpload = (uploadId: string) =>
  new S3Error(
    "NoSuchUpload",
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    404,
    { UploadId: uploadId },
  );

const invalidPart = (partNumber: number) =>
  new S3Error(
    "InvalidPart",
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    400,
    { PartNumber: partNumber },
  );

/**
 * Multipart uploads in progress, kept under dataDir/multipart/<uploadId>/ (upload.json plus
 * one .part and .json per part) so they survive a restart like S3's do.
 */
export class MultipartUploads {
  constructor(
    private readonly dataDir: string,
    private readonly store: ObjectStore,
  ) {}

  async create(info: Omit<UploadInfo, "initiated">): Promise<string> {
    const uploadId = randomBytes(24).toString("base64url");
    const dir = this.dir(uploadId);
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, "upload.json"),
      JSON.stringify({ ...info, initiated: new Date().toISOString() }),
    );
    return uploadId;
  }

  /** The upload, checked to belong to this bucket and key. */
  async get(uploadId: string, bucket: string, key: string): Promise<UploadInfo> {
    if (!/^[A-Za-z0-9_-]{32}$/.test(uploadId)) throw noSuchUpload(uploadId);
    let info: UploadInfo;
    try {
      info = JSON.parse(await readFile(join(this.dir(uploadId), "upload.json"), "utf8"));
    } catch {
      throw noSuchUpload(uploadId);
    }
    if (info.bucket !== bucket || info.key !== key) throw noSuchUpload(uploadId);
    return info;
  }

  /** Moves a received, verified part (a synced temp file) into the upload. */
  async addPart(
    uploadId: string,
    partNumber: number,
    tempPath: string,
    size: number,
    md5Hex: string,
  ) {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS) {
      throw new S3Error(
        "InvalidArgument",
        "Part number must be an integer between 1 and 10000, inclusive",
        400,
        {
          ArgumentName: "partNumber",
          ArgumentValue: String(partNumber),
        },
      );
    }
    const dir = this.dir(uploadId);
    const part: PartInfo = { partNumber, etag: `"${md5Hex}"`, size };
    await rename(tempPath, join(dir, `${partNumber}.part`));
    const meta = this.store.disk.tempPath();
    await writeFile(meta, JSON.stringify(part));
    await rename(meta, join(dir, `${partNumber}.json`));
    return part;
  }

  /**
   * Joins the listed parts into one temp file (ETag: md5 of the parts' md5s, "-N"), ready to
   * commit. Checks order, existence, ETags and the 5 MiB minimum as S3 does.
   */
  async assemble(uploadId: string, requested: { partNumber: number; etag: string }[]) {
    if (requested.length === 0) {
      throw new S3Error("MalformedXML", "You must specify at least one part", 400);
    }
    const dir = this.dir(uploadId);
    const parts: PartInfo[] = [];
    for (const [index, want] of requested.entries()) {
      if (index > 0 && want.partNumber <= (requested[index - 1]?.partNumber ?? 0)) {
        throw new S3Error(
          "InvalidPartOrder",
          "The list of parts was not in ascending order. Parts must be ordered by part number.",
          400,
        );
      }
      let part: PartInfo;
      try {
        part = JSON.parse(await readFile(join(dir, `${want.partNumber}.json`), "utf8"));
      } catch {
        throw invalidPart(want.partNumber);
      }
      if (part.etag.replaceAll('"', "") !== want.etag.replaceAll('"', ""))
        throw invalidPart(want.partNumber);
      parts.push(part);
    }
    for (const part of parts.slice(0, -1)) {
      if (part.size < MIN_PART_BYTES) {
        throw new S3Error(
          "EntityTooSmall",
          "Your proposed upload is smaller than the minimum allowed object size.",
          400,
          {
            ProposedSize: part.size,
            MinSizeAllowed: MIN_PART_BYTES,
            PartNumber: part.partNumber,
          },
        );
      }
    }
    const temp = this.store.disk.tempPath();
    const out = createWriteStream(temp, { flags: "wx" });
    const md5s = createHash("md5");
    try {
      for (const part of parts) {
        md5s.update(Buffer.from(part.etag.replaceAll('"', ""), "hex"));
        await pipeline(createReadStream(join(dir, `${part.partNumber}.part`)), out, { end: false });
      }
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      await syncFile(temp);
    } catch (error) {
      out.destroy();
      await rm(temp, { force: true });
      throw error;
    }
    return {
      path: temp,
      size: parts.reduce((sum, p) => sum + p.size, 0),
      etag: `"${md5s.digest("hex")}-${parts.length}"`,
    };
  }

  async remove(uploadId: string) {
    await rm(this.dir(uploadId), { recursive: true, force: true });
  }

  private dir(uploadId: string) {
    return join(this.dataDir, "multipart", uploadId);
  }
}
