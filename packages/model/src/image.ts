import sharp, { type Metadata } from "sharp";
import type { Scale } from "./engine/generator.ts";
import { generatorScale } from "./engine/scale.ts";
import { ModelError } from "./errors.ts";

export const SUPPORTED_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export type SupportedType = (typeof SUPPORTED_TYPES)[number];

/** Largest request body accepted (SageMaker real-time's payload limit): 6 MiB. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;
/** Largest decoded image accepted, checked against the header before any pixel is decoded. */
export const MAX_INPUT_PIXELS = 4096 * 4096;
/** Long side of the variations; smaller inputs keep their own size. */
export const MAX_OUTPUT_SIDE = 1024;

let locked = false;

/**
 * Turns off every libvips decoder except PNG, JPEG and WebP from memory, for the whole process
 * (sharp.block is process-wide). SVG, PDF, TIFF, HEIF, GIF, file loaders and the rest can then
 * never parse request bytes.
 */
export function lockDownDecoders(): void {
  if (locked) return;
  sharp.block({ operation: ["VipsForeignLoad"] });
  sharp.unblock({
    operation: [
      "VipsForeignLoadPngBuffer",
      "VipsForeignLoadJpegBuffer",
      "VipsForeignLoadWebpBuffer",
    ],
  });
  locked = true;
}

/** The format the bytes really are, from their magic numbers, or null for anything else. */
export function sniff(bytes: Uint8Array): SupportedType | null {
  const at = (i: number) => bytes[i];
  if (
    bytes.length >= 8 &&
    at(0) === 0x89 &&
    at(1) === 0x50 &&
    at(2) === 0x4e &&
    at(3) === 0x47 &&
    at(4) === 0x0d &&
    at(5) === 0x0a &&
    at(6) === 0x1a &&
    at(7) === 0x0a
  )
    return "image/png";
  if (bytes.length >= 3 && at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return "image/jpeg";
  if (
    bytes.length >= 12 &&
    Buffer.from(bytes.subarray(0, 4)).toString("latin1") === "RIFF" &&
    Buffer.from(bytes.subarray(8, 12)).toString("latin1") === "WEBP"
  )
    return "image/webp";
  return null;
}

/** Output size: the input's orientation-corrected size, long side capped, aspect ratio kept. */
export function outputSize(width: number, height: number): { width: number; height: number } {
  const long = Math.max(width, height);
  const scale = Math.min(1, MAX_OUTPUT_SIDE / long);
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

export interface DecodedInput {
  /** Output (target) size. */
  width: number;
  height: number;
  greyscale: boolean;
  /** The generator scale this input is prepared for. */
  scale: Scale;
  /** The image at 1/scale of the target size: 8-bit sRGB, 3 channels, or 4 with alpha. */
  low: { width: number; height: number; channels: 3 | 4; pixels: Uint8Array };
  /** The image at exactly `scale` times the low size (the generator's output size): 8-bit RGB. */
  reference: Uint8Array;
}

const open = (bytes: Uint8Array) =>
  sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error", autoOrient: true });

function decodeError(error: unknown): ModelError {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message))
    return new ModelError(
      "TooManyPixels",
      `the image has more than ${MAX_INPUT_PIXELS} pixels (4096x4096)`,
    );
  return new ModelError("CorruptImage", "the image could not be decoded");
}

/**
 * Checks and decodes a request body into the generator's low-resolution input. Metadata (EXIF,
 * GPS, ICC, XMP) is applied (orientation, colour profile) and then dropped with the pixels' source.
 */
export async function decode(bytes: Uint8Array): Promise<DecodedInput> {
  if (bytes.length === 0) throw new ModelError("CorruptImage", "the request body is empty");
  if (!sniff(bytes))
    throw new ModelError("UnsupportedFormat", "the body is not a PNG, JPEG or WebP image");
  let meta: Metadata;
  try {
    meta = await open(bytes).metadata();
  } catch (error) {
    throw decodeError(error);
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new ModelError("CorruptImage", "the image has no dimensions");
  if (width * height > MAX_INPUT_PIXELS) throw decodeError(new Error("pixel limit"));
  const target = outputSize(width, height);
  const scale = generatorScale(Math.max(target.width, target.height));
  const lw = Math.max(1, Math.round(target.width / scale));
  const lh = Math.max(1, Math.round(target.height / scale));
  const hasAlpha = meta.hasAlpha === true;
  const greyscale = meta.space === "b-w" || meta.space === "grey16" || (meta.channels ?? 3) <= 2;
  try {
    // One decode, at the generator's output size; the generator's input is resized from that.
    const W = lw * scale;
    const H = lh * scale;
    const full = open(bytes)
      .resize(W, H, { fit: "fill", kernel: "lanczos3" })
      .toColourspace("srgb");
    const { data: big, info } = await (hasAlpha ? full.ensureAlpha() : full.removeAlpha())
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    const channels = info.channels;
    if (channels !== 3 && channels !== 4) throw new Error(`unexpected channel count ${channels}`);
    const low = await sharp(big, { raw: { width: W, height: H, channels } })
      .resize(lw, lh, { fit: "fill", kernel: "lanczos3" })
      .raw()
      .toBuffer();
    const reference = new Uint8Array(W * H * 3);
    for (let p = 0, q = 0; p < W * H; p++, q += channels) {
      reference[p * 3] = big[q] as number;
      reference[p * 3 + 1] = big[q + 1] as number;
      reference[p * 3 + 2] = big[q + 2] as number;
    }
    return {
      ...target,
      greyscale,
      scale,
      low: { width: lw, height: lh, channels, pixels: new Uint8Array(low) },
      reference,
    };
  } catch (error) {
    throw decodeError(error);
  }
}

const SHARPEN_KERNEL = [0, -0.15, 0, -0.15, 1.6, -0.15, 0, -0.15, 0];

/**
 * Encodes one variation as WebP at the target size. Only pixels go in, so no metadata comes out.
 * A light sharpening finishes the generator's output.
 */
export async function encode(
  pixels: Uint8Array,
  size: { width: number; height: number; channels: 3 | 4 },
  target: { width: number; height: number },
  quality: number,
): Promise<Buffer> {
  let image = sharp(pixels, { raw: size });
  if (size.width !== target.width || size.height !== target.height)
    image = image.resize(target.width, target.height, { fit: "fill", kernel: "lanczos3" });
  // A light 3x3 sharpening finish (about half the cost of sharp's LAB-based unsharp mask).
  return image
    .convolve({ width: 3, height: 3, kernel: SHARPEN_KERNEL })
    .webp({ quality, effort: 2 })
    .toBuffer();
}
