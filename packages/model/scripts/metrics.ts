/**
 * The style metrics shared by `eval` and the tests, all on luminance (blind to colour):
 *  - composition: Pearson correlation of the luma of input and variation at 16 px (long side);
 *  - texture: the Gram matrix of five derivative filters (d/dx, d/dy, d²/dx², d²/dy², d²/dxdy)
 *    on luma at 256 px and 128 px, each normalised by its trace so that contrast, exposure and
 *    colour grades leave it unchanged; the texture distance is the Euclidean distance between two
 *    images' statistics.
 * And the quality metrics `eval` reports: luma for SSIM, CIELAB ΔE (CIE76), PSNR.
 */
import { converter, differenceEuclidean } from "culori";
import sharp from "sharp";

/** An image's luma, resized (fill) to exactly width x height. */
export async function lumaPlane(image: Buffer, width: number, height: number) {
  const grey = await sharp(image)
    .flatten({ background: "#ffffff" })
    .resize(width, height, { fit: "fill", kernel: "lanczos3" })
    .greyscale()
    .raw()
    .toBuffer();
  return Float64Array.from(grey);
}

/** The size of an image fitted inside a `long` px square, keeping the aspect ratio. */
async function fitted(image: Buffer, long: number) {
  const { width = 1, height = 1 } = await sharp(image).metadata();
  const k = long / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

const pearson = (a: Float64Array, b: Float64Array) => {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
};

/** Luminance correlation at 16 px between `input` and `variation` (1 = same composition). */
export async function composition(input: Buffer, variation: Buffer): Promise<number> {
  const { width, height } = await fitted(input, 16);
  return pearson(await lumaPlane(input, width, height), await lumaPlane(variation, width, height));
}

function gram(plane: Float64Array, w: number, h: number): number[] {
  const at = (x: number, y: number) =>
    plane[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))] as number;
  const g = new Float64Array(25);
  const f = new Float64Array(5);
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      const c = at(x, y);
      f[0] = (at(x + 1, y) - at(x - 1, y)) / 2;
      f[1] = (at(x, y + 1) - at(x, y - 1)) / 2;
      f[2] = at(x + 1, y) - 2 * c + at(x - 1, y);
      f[3] = at(x, y + 1) - 2 * c + at(x, y - 1);
      f[4] = (at(x + 1, y + 1) - at(x - 1, y + 1) - at(x + 1, y - 1) + at(x - 1, y - 1)) / 4;
      for (let i = 0; i < 5; i++)
        for (let j = i; j < 5; j++)
          g[i * 5 + j] = (g[i * 5 + j] as number) + (f[i] as number) * (f[j] as number);
    }
  let trace = 0;
  for (let i = 0; i < 5; i++) trace += g[i * 5 + i] as number;
  const out: number[] = [];
  for (let i = 0; i < 5; i++)
    for (let j = i; j < 5; j++) out.push(trace > 0 ? (g[i * 5 + j] as number) / trace : 0);
  return out;
}

/** The colour-blind texture statistic of `image`, measured at the size `reference` fits in. */
export async function textureStatistic(
  image: Buffer,
  reference: Buffer = image,
): Promise<number[]> {
  const out: number[] = [];
  for (const long of [256, 128]) {
    const { width, height } = await fitted(reference, long);
    out.push(...gram(await lumaPlane(image, width, height), width, height));
  }
  return out;
}

/** How far the texture of `variation` is from that of `input` (0 = the same statistics). */
export async function textureDistance(input: Buffer, variation: Buffer): Promise<number> {
  const a = await textureStatistic(input);
  const b = await textureStatistic(variation, input);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += ((a[i] as number) - (b[i] as number)) ** 2;
  return Math.sqrt(sum);
}

// The quality metrics of `eval`: SSIM inputs, CIELAB ΔE, PSNR.

export async function fitSize(image: Buffer, long: number) {
  const { data, info } = await sharp(image)
    .resize(long, long, { fit: "inside" })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

export async function lumaRgba(image: Buffer, width: number, height: number) {
  const grey = await sharp(image)
    .resize(width, height, { fit: "fill" })
    .removeAlpha()
    .greyscale()
    .raw()
    .toBuffer();
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const l = grey[p] as number;
    rgba.set([l, l, l, 255], p * 4);
  }
  return { data: rgba, width, height };
}

const toLab = converter("lab65");
export async function labPixels(image: Buffer, width: number, height: number) {
  const rgb = await sharp(image)
    .resize(width, height, { fit: "fill" })
    .removeAlpha()
    .raw()
    .toBuffer();
  const out: Lab[] = [];
  for (let p = 0; p < width * height; p++)
    out.push(
      toLab({
        mode: "rgb",
        r: (rgb[p * 3] as number) / 255,
        g: (rgb[p * 3 + 1] as number) / 255,
        b: (rgb[p * 3 + 2] as number) / 255,
      }),
    );
  return out;
}
const deltaE = differenceEuclidean("lab65");
export type Lab = NonNullable<ReturnType<typeof toLab>>;
export const meanDeltaE = (a: Lab[], b: Lab[]) =>
  a.reduce((sum, lab, i) => sum + deltaE(lab, b[i] as Lab), 0) / a.length;

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The variations in Lab at `input`'s 64-pixel size, and their diversity: the mean ΔE between
 * each pair of them.
 */
export async function labsOf(input: Buffer, images: Buffer[]) {
  const at64 = await fitSize(input, 64);
  const labs = await Promise.all(images.map((image) => labPixels(image, at64.width, at64.height)));
  const pairs = [];
  for (let i = 0; i < labs.length; i++)
    for (let j = i + 1; j < labs.length; j++) pairs.push(meanDeltaE(labs[i] ?? [], labs[j] ?? []));
  return { at64, labs, diversity: mean(pairs) };
}

export const psnr = (a: Uint8Array | Float32Array, b: Uint8Array) => {
  let se = 0;
  for (let i = 0; i < b.length; i++) {
    const v = Math.min(255, Math.max(0, Math.round(a[i] as number)));
    se += (v - (b[i] as number)) ** 2;
  }
  return 10 * Math.log10((255 * 255) / (se / b.length));
};

export const lumaOfRgb = (rgb: Uint8Array | Float32Array, width: number, height: number) => {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const l =
      0.299 * (rgb[p * 3] as number) +
      0.587 * (rgb[p * 3 + 1] as number) +
      0.114 * (rgb[p * 3 + 2] as number);
    out.set([l, l, l, 255], p * 4);
  }
  return { data: out, width, height };
};
