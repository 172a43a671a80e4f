/**
 * The worker never trusts an upload. It checks the magic bytes against the declared type, refuses
 * files with data hidden after the image, decodes with every loader but PNG, JPEG and WebP blocked
 * and a low pixel limit, then hands the model a clean, metadata-free PNG no larger than it needs.
 */
import sharp, { type Metadata } from "sharp";
import { type ContentType, MAX_INPUT_PIXELS, MAX_PIXELS_IN_WORDS } from "../contract/index.ts";
import { CorruptImage, TooManyPixels, UnsupportedFormat } from "../errors/index.ts";

/** The model works at up to 1024 px on the long side, so nothing larger is sent to it. */
export const MODEL_LONG_SIDE = 1024;

// Every libvips loader is blocked but the three ArtAI accepts; this is process-wide and permanent.
sharp.block({ operation: ["VipsForeignLoad"] });
sharp.unblock({
  operation: ["VipsForeignLoadPngBuffer", "VipsForeignLoadJpegBuffer", "VipsForeignLoadWebpBuffer"],
});

/** The type the bytes say they are, whatever the file name or declared type says. */
export function sniff(bytes: Uint8Array): ContentType | undefined {
  const at = (offset: number, ...values: number[]) =>
    values.every((value, i) => bytes[offset + i] === value);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (at(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return "image/webp";
  return undefined;
}

/**
 * Bytes after the end of the image that no camera put there: the mark of a polyglot file (an image
 * that is also a script, a zip, a page…). -1 means the image ends before its end marker: the file
 * was cut short. The formats are walked structurally rather than searched for an end marker,
 * because appended data can itself contain one.
 *
 * Phones do append media to a JPEG, and those photos are accepted: further complete JPEG images
 * (the Multi-Picture Format, which Ultra HDR gain maps and depth maps use) and one complete MP4
 * (a motion photo's video). Only the first image is ever decoded, and none of it reaches the
 * variations.
 */
export function trailingBytes(bytes: Buffer, type: ContentType): number {
  let end =
    type === "image/png" ? pngEnd(bytes) : type === "image/jpeg" ? jpegEnd(bytes) : webpEnd(bytes);
  if (end < 0 || end > bytes.length) return -1;
  // Some cameras and editors pad the file with zeros; that is not hidden data.
  let last = bytes.length;
  while (last > end && bytes[last - 1] === 0) last--;
  if (type === "image/jpeg") {
    for (let next = jpegEnd(bytes, end); next > end && next <= last; next = jpegEnd(bytes, end)) {
      end = next;
    }
    const video = end < last ? mp4End(bytes, end) : -1;
    if (video === last || video === bytes.length) end = last;
  }
  return last - end;
}

/** PNG: 8-byte signature, then chunks of length, type, data and CRC, up to and including IEND. */
function pngEnd(bytes: Buffer): number {
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const next = offset + 12 + length;
    if (bytes.toString("latin1", offset + 4, offset + 8) === "IEND") return next;
    offset = next;
  }
  return -1;
}

/** An MP4 (ISO BMFF) from `start`: boxes of size and type, the first an `ftyp`. -1 if it is not one. */
function mp4End(bytes: Buffer, start: number): number {
  if (bytes.toString("latin1", start + 4, start + 8) !== "ftyp") return -1;
  let offset = start;
  while (offset + 8 <= bytes.length) {
    const size = bytes.readUInt32BE(offset);
    const length =
      size === 1 && offset + 16 <= bytes.length
        ? Number(bytes.readBigUInt64BE(offset + 8))
        : size === 0
          ? bytes.length - offset
          : size;
    if (length < 8) return -1;
    offset += length;
  }
  return offset;
}

/** WebP: a RIFF container whose header gives the payload size. */
function webpEnd(bytes: Buffer): number {
  return bytes.length < 8 ? -1 : bytes.readUInt32LE(4) + 8;
}

/**
 * JPEG: markers with length-prefixed segments; after each start-of-scan, entropy-coded data in
 * which 0xFF is only ever followed by a stuffed 0x00, a restart marker or fill 0xFFs, until the next
 * real marker. The image ends at EOI (0xFFD9).
 */
function jpegEnd(bytes: Buffer, start = 0): number {
  if (bytes[start] !== 0xff || bytes[start + 1] !== 0xd8) return -1;
  let offset = start + 2;
  while (offset + 1 < bytes.length) {
    if (bytes[offset] !== 0xff) return -1;
    const marker = bytes[offset + 1] as number;
    if (marker === 0xff) {
      offset++;
      continue;
    }
    if (marker === 0xd9) return offset + 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    if (offset + 4 > bytes.length) return -1;
    offset += 2 + bytes.readUInt16BE(offset + 2);
    if (marker !== 0xda) continue;
    // Entropy-coded data: skip to the next marker that is not stuffing or a restart.
    while (offset + 1 < bytes.length) {
      if (bytes[offset] === 0xff) {
        const following = bytes[offset + 1] as number;
        if (following !== 0x00 && following !== 0xff && !(following >= 0xd0 && following <= 0xd7))
          break;
      }
      offset++;
    }
  }
  return -1;
}

const NAMES: Record<ContentType, string> = {
  "image/png": "PNG",
  "image/jpeg": "JPEG",
  "image/webp": "WebP",
};

export interface PreparedImage {
  png: Buffer;
  width: number;
  height: number;
  original: { type: ContentType; width: number; height: number };
}

/**
 * Validates an upload and turns it into the model's input. Throws `UnsupportedFormat`,
 * `CorruptImage` or `TooManyPixels`, each with a message for the person who uploaded it.
 */
export async function prepare(bytes: Buffer, declared: string): Promise<PreparedImage> {
  const type = sniff(bytes);
  if (!type) {
    throw new UnsupportedFormat("The file is not a PNG, JPEG or WebP image.");
  }
  if (type !== declared) {
    throw new UnsupportedFormat(
      `The file was sent as ${NAMES[declared as ContentType] ?? declared} but it is a ${NAMES[type]} image.`,
    );
  }
  const trailing = trailingBytes(bytes, type);
  if (trailing < 0) {
    throw new CorruptImage("The image is incomplete: its last bytes are missing.");
  }
  if (trailing > 0) {
    throw new CorruptImage(`The file has ${trailing} bytes of other data hidden after the image.`);
  }

  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new CorruptImage(undefined, { cause: error });
  }
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  if (width * height > MAX_INPUT_PIXELS) {
    throw new TooManyPixels(
      `The image is ${width}×${height} pixels; ArtAI accepts up to ${MAX_PIXELS_IN_WORDS}.`,
    );
  }

  try {
    const { data, info } = await sharp(bytes, {
      limitInputPixels: MAX_INPUT_PIXELS,
      failOn: "warning",
      autoOrient: true,
    })
      .resize({
        width: MODEL_LONG_SIDE,
        height: MODEL_LONG_SIDE,
        fit: "inside",
        withoutEnlargement: true,
      })
      .png({ compressionLevel: 3 })
      .toBuffer({ resolveWithObject: true });
    return { png: data, width: info.width, height: info.height, original: { type, width, height } };
  } catch (error) {
    throw new CorruptImage(undefined, { cause: error });
  }
}
