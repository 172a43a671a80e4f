import {
  type ContentType,
  MAX_INPUT_PIXELS,
  MAX_PIXELS_IN_WORDS,
  MAX_UPLOAD_BYTES,
  MAX_UPLOAD_IN_WORDS,
} from "@artai/core/contract";
import { formatBytes } from "./format.ts";

export interface CheckedImage {
  file: File;
  type: ContentType;
  width: number;
  height: number;
  previewUrl: string;
}

export type CheckResult =
  | { ok: true; image: CheckedImage }
  | {
      ok: false;
      code: "UnsupportedFormat" | "ImageTooLarge" | "TooManyPixels" | "CorruptImage";
      message: string;
    };

/**
 * The type from the file's first bytes. Browsers guess `File.type` from the name (and leave it empty
 * for pasted data), so the bytes are the honest answer.
 */
export function sniffType(head: Uint8Array): ContentType | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return null;
}

function loadImage(url: string): Promise<{ width: number; height: number }> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
    img.onerror = () => reject(new Error("decode failed"));
    img.src = url;
  });
}

/** Checks type, size and pixel dimensions in the browser, before anything is sent. */
export async function checkImage(file: File): Promise<CheckResult> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const type = sniffType(head);
  if (!type) {
    return {
      ok: false,
      code: "UnsupportedFormat",
      message: `“${file.name || "That file"}” isn't a PNG, JPEG or WebP image. Choose a photo or picture in one of those formats.`,
    };
  }
  if (file.size > MAX_UPLOAD_BYTES) {
    return {
      ok: false,
      code: "ImageTooLarge",
      message: `“${file.name || "That image"}” is ${formatBytes(file.size)}. The limit is ${MAX_UPLOAD_IN_WORDS}, so try a smaller or more compressed copy.`,
    };
  }
  if (file.size === 0) {
    return { ok: false, code: "CorruptImage", message: "That file is empty." };
  }
  const previewUrl = URL.createObjectURL(file);
  let size: { width: number; height: number };
  try {
    size = await loadImage(previewUrl);
  } catch {
    URL.revokeObjectURL(previewUrl);
    return {
      ok: false,
      code: "CorruptImage",
      message: `“${file.name || "That image"}” looks damaged: it could not be opened. Save a fresh copy and try again.`,
    };
  }
  const { width, height } = size;
  if (width * height > MAX_INPUT_PIXELS) {
    URL.revokeObjectURL(previewUrl);
    return {
      ok: false,
      code: "TooManyPixels",
      message: `This image is ${width} × ${height} pixels (${((width * height) / 1e6).toFixed(1)} megapixels). ArtAI takes up to ${MAX_PIXELS_IN_WORDS} (a 6000 × 4000 photo fits) — resize it and try again.`,
    };
  }
  return { ok: true, image: { file, type, width, height, previewUrl } };
}
