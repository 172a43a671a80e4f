/**
 * Small raster helpers for the styles' abstractions. They run only at the generator's input
 * resolution (at most 342 x 342 pixels, about 0.1 MP), where typed-array loops take a few
 * milliseconds and stay exactly reproducible; nothing here ever touches a full-size image.
 */
import type { Rng } from "../random.ts";
import { clamp, resize, sample, shrink, warp } from "../sample.ts";

export { clamp, resize, sample, shrink };
export const smoothstep = (a: number, b: number, v: number) => {
  const t = clamp((v - a) / (b - a), 0, 1);
  return t * t * (3 - 2 * t);
};

/** Luma (Rec. 601) of interleaved RGB, 0..255. */
export function luma(rgb: Float32Array): Float32Array {
  const n = rgb.length / 3;
  const out = new Float32Array(n);
  for (let p = 0; p < n; p++)
    out[p] =
      0.299 * (rgb[p * 3] as number) +
      0.587 * (rgb[p * 3 + 1] as number) +
      0.114 * (rgb[p * 3 + 2] as number);
  return out;
}

/** One box blur pass of radius r along x then y, edges clamped, on `channels` interleaved planes. */
function boxPass(src: Float32Array, w: number, h: number, c: number, r: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  const norm = 1 / (2 * r + 1);
  for (let y = 0; y < h; y++)
    for (let k = 0; k < c; k++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += src[(y * w + clamp(i, 0, w - 1)) * c + k] as number;
      for (let x = 0; x < w; x++) {
        tmp[(y * w + x) * c + k] = acc * norm;
        acc +=
          (src[(y * w + Math.min(x + r + 1, w - 1)) * c + k] as number) -
          (src[(y * w + Math.max(x - r, 0)) * c + k] as number);
      }
    }
  for (let x = 0; x < w; x++)
    for (let k = 0; k < c; k++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += tmp[(clamp(i, 0, h - 1) * w + x) * c + k] as number;
      for (let y = 0; y < h; y++) {
        out[(y * w + x) * c + k] = acc * norm;
        acc +=
          (tmp[(Math.min(y + r + 1, h - 1) * w + x) * c + k] as number) -
          (tmp[(Math.max(y - r, 0) * w + x) * c + k] as number);
      }
    }
  return out;
}

/**
 * An approximate Gaussian blur of standard deviation `sigma` (three box passes, the usual
 * construction), on interleaved data with `channels` channels.
 */
export function blur(
  src: Float32Array,
  w: number,
  h: number,
  channels: number,
  sigma: number,
): Float32Array {
  if (sigma < 0.3) return src.slice();
  // Three boxes of width 2r+1 have variance 3 * ((2r+1)^2 - 1) / 12.
  const r = Math.max(1, Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
  let out = src;
  for (let i = 0; i < 3; i++) out = boxPass(out, w, h, channels, r);
  return out;
}

/** Central-difference gradients of a plane. */
export function gradients(plane: Float32Array, w: number, h: number) {
  const gx = new Float32Array(w * h);
  const gy = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      gx[p] =
        ((plane[y * w + Math.min(x + 1, w - 1)] as number) -
          (plane[y * w + Math.max(x - 1, 0)] as number)) *
        0.5;
      gy[p] =
        ((plane[Math.min(y + 1, h - 1) * w + x] as number) -
          (plane[Math.max(y - 1, 0) * w + x] as number)) *
        0.5;
    }
  return { gx, gy };
}

/**
 * The structure tensor's orientation field: for each pixel the unit vector along the local edges
 * (perpendicular to the dominant gradient, smoothed over `sigma` pixels) and how coherent the
 * orientation is there (0 flat or isotropic .. 1 one clear direction).
 */
export function flowField(lum: Float32Array, w: number, h: number, sigma: number) {
  const { gx, gy } = gradients(blur(lum, w, h, 1, 0.8), w, h);
  const tensor = new Float32Array(w * h * 3);
  for (let p = 0; p < w * h; p++) {
    const x = gx[p] as number;
    const y = gy[p] as number;
    tensor[p * 3] = x * x;
    tensor[p * 3 + 1] = x * y;
    tensor[p * 3 + 2] = y * y;
  }
  const t = blur(tensor, w, h, 3, sigma);
  const tx = new Float32Array(w * h);
  const ty = new Float32Array(w * h);
  const coherence = new Float32Array(w * h);
  for (let p = 0; p < w * h; p++) {
    const a = t[p * 3] as number;
    const b = t[p * 3 + 1] as number;
    const c = t[p * 3 + 2] as number;
    // The gradient's dominant direction is 0.5 * atan2(2b, a - c); the edge runs across it.
    const phi = 0.5 * Math.atan2(2 * b, a - c) + Math.PI / 2;
    tx[p] = Math.cos(phi);
    ty[p] = Math.sin(phi);
    const root = Math.sqrt((a - c) * (a - c) + 4 * b * b);
    coherence[p] = a + c > 1e-3 ? root / (a + c) : 0;
  }
  return { tx, ty, coherence };
}

/**
 * Seeded smooth value noise in -1..1 with `octaves` octaves, the first with cells of `cell`
 * pixels (a w x h plane).
 */
export function noise(
  w: number,
  h: number,
  cell: number,
  rng: Rng,
  octaves = 1,
  gain = 0.5,
): Float32Array {
  const out = new Float32Array(w * h);
  let amplitude = 1;
  let total = 0;
  for (let o = 0; o < octaves; o++) {
    const size = Math.max(1, cell / 2 ** o);
    const gw = Math.ceil(w / size) + 2;
    const gh = Math.ceil(h / size) + 2;
    const grid = new Float32Array(gw * gh);
    for (let i = 0; i < grid.length; i++) grid[i] = rng.next() * 2 - 1;
    for (let y = 0; y < h; y++) {
      const fy = y / size;
      const j = Math.floor(fy);
      const ty = fy - j;
      const sy = ty * ty * (3 - 2 * ty);
      for (let x = 0; x < w; x++) {
        const fx = x / size;
        const i = Math.floor(fx);
        const tx = fx - i;
        const sx = tx * tx * (3 - 2 * tx);
        const a = grid[j * gw + i] as number;
        const b = grid[j * gw + i + 1] as number;
        const c = grid[(j + 1) * gw + i] as number;
        const d = grid[(j + 1) * gw + i + 1] as number;
        out[y * w + x] =
          (out[y * w + x] as number) +
          amplitude * ((a * (1 - sx) + b * sx) * (1 - sy) + (c * (1 - sx) + d * sx) * sy);
      }
    }
    total += amplitude;
    amplitude *= gain;
  }
  for (let p = 0; p < out.length; p++) out[p] = (out[p] as number) / total;
  return out;
}

/** Moves every pixel of interleaved data by (dx, dy) read from two planes, bilinear. */
export function displace(
  data: Float32Array,
  w: number,
  h: number,
  channels: number,
  dx: Float32Array,
  dy: Float32Array,
  amount: number,
): Float32Array {
  return warp(
    data,
    { w, h, channels, W: w, H: h },
    (x, y) => x + (dx[y * w + x] as number) * amount,
    (x, y) => y + (dy[y * w + x] as number) * amount,
  );
}

/** Linear interpolation between two RGB triples. */
export const mix = (a: readonly number[], b: readonly number[], t: number): number[] => [
  (a[0] as number) + ((b[0] as number) - (a[0] as number)) * t,
  (a[1] as number) + ((b[1] as number) - (a[1] as number)) * t,
  (a[2] as number) + ((b[2] as number) - (a[2] as number)) * t,
];

/** The RGB triple of a "#rrggbb" colour. */
export const hex = (code: string): [number, number, number] => [
  Number.parseInt(code.slice(1, 3), 16),
  Number.parseInt(code.slice(3, 5), 16),
  Number.parseInt(code.slice(5, 7), 16),
];

/** Clamps every value of interleaved RGB to 0..255 in place and returns it. */
export function clampRgb(rgb: Float32Array): Float32Array {
  for (let i = 0; i < rgb.length; i++) rgb[i] = clamp(rgb[i] as number, 0, 255);
  return rgb;
}
