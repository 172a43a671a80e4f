/** Sampling and resizing shared by the perturbations and the styles: exact, so outputs stay reproducible. */

export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Bilinear sample of channel k of interleaved data at (x, y), edges clamped. */
export function sample(
  data: Float32Array,
  w: number,
  h: number,
  channels: number,
  k: number,
  x: number,
  y: number,
): number {
  const xc = clamp(x, 0, w - 1);
  const yc = clamp(y, 0, h - 1);
  const x0 = Math.floor(xc);
  const y0 = Math.floor(yc);
  const x1 = Math.min(x0 + 1, w - 1);
  const y1 = Math.min(y0 + 1, h - 1);
  const fx = xc - x0;
  const fy = yc - y0;
  const top =
    (data[(y0 * w + x0) * channels + k] as number) * (1 - fx) +
    (data[(y0 * w + x1) * channels + k] as number) * fx;
  const bottom =
    (data[(y1 * w + x0) * channels + k] as number) * (1 - fx) +
    (data[(y1 * w + x1) * channels + k] as number) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** A w x h source with `channels` interleaved channels, and the W x H image made from it. */
export interface Resample {
  w: number;
  h: number;
  channels: number;
  W: number;
  H: number;
}

/**
 * A W x H image whose pixel (x, y) is `data` (w x h, interleaved) sampled bilinearly at
 * (sx(x, y), sy(x, y)).
 */
export function warp(
  data: Float32Array,
  size: Resample,
  sx: (x: number, y: number) => number,
  sy: (x: number, y: number) => number,
): Float32Array {
  const { w, h, channels, W, H } = size;
  const out = new Float32Array(W * H * channels);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const fromX = sx(x, y);
      const fromY = sy(x, y);
      for (let k = 0; k < channels; k++)
        out[(y * W + x) * channels + k] = sample(data, w, h, channels, k, fromX, fromY);
    }
  return out;
}

/** Resizes interleaved data to (W, H) bilinearly (pixel centres aligned). */
export function resize(data: Float32Array, size: Resample): Float32Array {
  const { w, h, W, H } = size;
  return warp(
    data,
    size,
    (x) => ((x + 0.5) * w) / W - 0.5,
    (_, y) => ((y + 0.5) * h) / H - 0.5,
  );
}

/** Box-averages interleaved data down to (W, H) (each output pixel the mean of its footprint). */
export function shrink(data: Float32Array, size: Resample): Float32Array {
  const { w, h, channels, W, H } = size;
  const out = new Float32Array(W * H * channels);
  const counts = new Float32Array(W * H);
  for (let y = 0; y < h; y++) {
    const Y = Math.min(H - 1, Math.floor((y * H) / h));
    for (let x = 0; x < w; x++) {
      const X = Math.min(W - 1, Math.floor((x * W) / w));
      const q = Y * W + X;
      counts[q] = (counts[q] as number) + 1;
      for (let k = 0; k < channels; k++)
        out[q * channels + k] =
          (out[q * channels + k] as number) + (data[(y * w + x) * channels + k] as number);
    }
  }
  for (let q = 0; q < W * H; q++)
    for (let k = 0; k < channels; k++)
      out[q * channels + k] = (out[q * channels + k] as number) / (counts[q] as number);
  return out;
}
