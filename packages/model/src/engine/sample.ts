/** Sampling shared by the perturbations and the styles: exact, so outputs stay reproducible. */

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
