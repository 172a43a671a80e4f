/**
 * Small synthetic test images, built from raw pixels (sharp's SVG and file loaders are blocked in
 * the server process, which Vitest shares). They have structure on several scales, so a variation
 * can be compared with its input.
 */
import { crc32 } from "node:zlib";
import sharp from "sharp";
import { expect } from "vitest";
import { z } from "zod";

export interface SceneOptions {
  width: number;
  height: number;
  alpha?: boolean;
  grey?: boolean;
}

/** A deterministic "scene": sky gradient, sun, hills, a striped house, and fine texture. */
export function scenePixels({ width, height, alpha = false, grey = false }: SceneOptions): Buffer {
  const channels = alpha ? 4 : 3;
  const out = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width;
      const v = y / height;
      let r = 90 + 100 * v;
      let g = 140 + 60 * v;
      let b = 230 - 40 * v;
      const sun = (u - 0.75) ** 2 + (v - 0.25) ** 2 < 0.012;
      if (sun) [r, g, b] = [250, 220, 90];
      const hill = v > 0.55 + 0.12 * Math.sin(u * 7);
      if (hill) [r, g, b] = [60 + 40 * Math.sin(x * 0.9), 140 + 30 * Math.cos(y * 0.7), 60];
      const house = u > 0.2 && u < 0.45 && v > 0.4 && v < 0.8;
      if (house) [r, g, b] = Math.floor(x / 3) % 2 === 0 ? [200, 60, 50] : [240, 230, 210];
      const p = (y * width + x) * channels;
      if (grey) {
        const l = 0.299 * r + 0.587 * g + 0.114 * b;
        [r, g, b] = [l, l, l];
      }
      out[p] = r;
      out[p + 1] = g;
      out[p + 2] = b;
      if (alpha) out[p + 3] = u < 0.5 ? 255 : 0;
    }
  }
  return out;
}

export function scene(options: SceneOptions) {
  const { width, height, alpha = false } = options;
  return sharp(scenePixels(options), { raw: { width, height, channels: alpha ? 4 : 3 } });
}

export const png = (o: SceneOptions) => scene(o).png().toBuffer();
export const jpeg = (o: SceneOptions) => scene(o).jpeg({ quality: 90 }).toBuffer();
export const webp = (o: SceneOptions) => scene(o).webp({ quality: 90 }).toBuffer();

/**
 * A one-pixel scene PNG whose header is rewritten to claim width x height (its IHDR chunk's
 * width, height and CRC; the data stays one pixel), for the checks made before decoding.
 */
export async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const bytes = await png({ width: 1, height: 1 });
  // After the 8-byte signature: the IHDR's length (4), type (4), then width and height.
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29);
  return bytes;
}

/** The response contract, checked strictly. */
export const InvocationSchema = z
  .object({
    model: z.object({ name: z.string().min(1), version: z.string().min(1) }).strict(),
    variations: z.array(
      z
        .object({
          index: z.number().int().min(0).max(3),
          seed: z.number().int().min(0).max(0xffffffff),
          recipe: z.string().min(1),
          /** The medium this variation is in (for style=surprise, the one the seed chose). */
          style: z.enum(["photo", "oil", "watercolour", "pencil", "print"]),
          contentType: z.literal("image/webp"),
          width: z.number().int().positive(),
          height: z.number().int().positive(),
          data: z.string().regex(/^[A-Za-z0-9+/]+=*$/),
        })
        .strict(),
    ),
    timings: z
      .object({
        decodeMs: z.number().min(0),
        modelMs: z.number().min(0),
        encodeMs: z.number().min(0),
        totalMs: z.number().min(0),
      })
      .strict(),
  })
  .strict();

export type Invocation = z.infer<typeof InvocationSchema>;

/** Sends a PNG to a model server's `/invocations` with these custom attributes; expects a 200. */
export async function invokePng(
  serverUrl: string,
  body: Uint8Array,
  attributes: string,
): Promise<Invocation> {
  const response = await fetch(`${serverUrl}/invocations`, {
    method: "POST",
    body,
    headers: { "content-type": "image/png", "x-amzn-sagemaker-custom-attributes": attributes },
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return InvocationSchema.parse(JSON.parse(text));
}

export const ErrorSchema = z.object({ code: z.string(), message: z.string().min(1) }).strict();

/** Decodes a variation to raw RGB at the given size (for comparisons). */
export async function rawOf(
  image: Buffer,
  width: number,
  height: number,
  options: { grey?: boolean } = {},
): Promise<Buffer> {
  const pipeline = sharp(image).resize(width, height, { fit: "fill" }).removeAlpha();
  return (options.grey ? pipeline.greyscale() : pipeline).raw().toBuffer();
}

/** Mean absolute difference per channel value, 0..255. */
export function meanAbsDiff(a: Buffer, b: Buffer): number {
  if (a.length !== b.length) throw new Error("size mismatch");
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / a.length;
}
