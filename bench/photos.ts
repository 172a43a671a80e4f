/**
 * Test photos made offline from the repository's own 512 px photo: smaller sizes are resized from
 * it, larger ones are a mosaic of flipped, rotated and re-toned copies of it (so the JPEG carries
 * photo-like detail everywhere, not a smooth upscale that would compress to almost nothing).
 */
import { readFileSync } from "node:fs";
import { PHOTOS } from "@artai/test-images";
import sharp, { type OverlayOptions, type Sharp } from "sharp";

export const SOURCE = PHOTOS.tissueSample;

export interface Photo {
  label: string;
  width: number;
  height: number;
  bytes: Buffer;
  contentType: "image/jpeg";
}

const source = () => readFileSync(SOURCE);

async function tile(variant: number): Promise<Buffer> {
  let image = sharp(source());
  if (variant & 1) image = image.flop();
  if (variant & 2) image = image.flip();
  if (variant & 4) image = image.rotate(90);
  image = image.modulate({ brightness: 0.9 + (variant % 5) * 0.05, hue: (variant * 37) % 360 });
  return image.png({ compressionLevel: 1 }).toBuffer();
}

/** A JPEG photo of exactly `width`×`height` (quality 85, as a phone would save it). */
export async function makePhoto(width: number, height: number, label?: string): Promise<Photo> {
  let pixels: Sharp;
  if (width <= 512 && height <= 512) {
    pixels = sharp(source()).resize(width, height, { fit: "cover" });
  } else {
    const composites: OverlayOptions[] = [];
    for (let y = 0, row = 0; y < height; y += 512, row++) {
      for (let x = 0, col = 0; x < width; x += 512, col++) {
        composites.push({ input: await tile((row * 7 + col * 3) % 8), left: x, top: y });
      }
    }
    const mosaic = await sharp({
      create: {
        width: Math.ceil(width / 512) * 512,
        height: Math.ceil(height / 512) * 512,
        channels: 3,
        background: "#808080",
      },
    })
      .composite(composites)
      .png({ compressionLevel: 1 })
      .toBuffer();
    pixels = sharp(mosaic).extract({ left: 0, top: 0, width, height });
  }
  const bytes = await pixels.jpeg({ quality: 85, mozjpeg: false }).toBuffer();
  return {
    label: label ?? `${width}×${height}`,
    width,
    height,
    bytes,
    contentType: "image/jpeg",
  };
}

/** A 4:3 photo of about `megapixels` million pixels. */
export function photoOfMegapixels(megapixels: number): Promise<Photo> {
  const height = Math.round(Math.sqrt((megapixels * 1e6 * 3) / 4));
  const width = Math.round((height * 4) / 3);
  return makePhoto(width, height, `${megapixels} MP`);
}
