/**
 * Seeded perturbations at low resolution (the "perturb" half of perturb-then-restore).
 * They run on images of at most 256x256 pixels, so plain typed-array loops are fast (a few ms) and
 * exactly reproducible; no image library offers a seeded displacement field or these grades.
 */

import { Rng } from "./random.ts";
import type { Grade } from "./recipe.ts";
import { clamp, resize, shrink } from "./sample.ts";

/** An interleaved RGB image with values in 0..255, and an optional alpha plane (0..255). */
export interface LowRes {
  width: number;
  height: number;
  rgb: Float32Array;
  alpha: Float32Array | null;
}

/** Catmull-Rom weights for the four taps around a sample at fraction t. */
function cubicWeights(t: number, w: Float32Array): void {
  const t2 = t * t;
  const t3 = t2 * t;
  w[0] = -0.5 * t3 + t2 - 0.5 * t;
  w[1] = 1.5 * t3 - 2.5 * t2 + 1;
  w[2] = -1.5 * t3 + 2 * t2 + 0.5 * t;
  w[3] = 0.5 * t3 - 0.5 * t2;
}

const wx = new Float32Array(4);
const wy = new Float32Array(4);

const cols = new Int32Array(4);
const rows = new Int32Array(4);

/** The four taps around v on an axis of `size` samples, clamped to its edges, and their weights. */
function taps(v: number, size: number, index: Int32Array, weights: Float32Array): void {
  const vc = clamp(v, 0, size - 1);
  const v0 = Math.floor(vc);
  cubicWeights(vc - v0, weights);
  for (let i = 0; i < 4; i++) index[i] = clamp(v0 - 1 + i, 0, size - 1);
}

/** Bicubic (Catmull-Rom) sample with clamped edges: keeps more detail than bilinear. */
function sampleBicubic(
  src: Float32Array,
  width: number,
  height: number,
  channels: number,
  x: number,
  y: number,
  out: Float32Array,
  outOffset: number,
): void {
  taps(x, width, cols, wx);
  taps(y, height, rows, wy);
  const w0 = wx[0] as number;
  const w1 = wx[1] as number;
  const w2 = wx[2] as number;
  const w3 = wx[3] as number;
  const c0 = cols[0] as number;
  const c1 = cols[1] as number;
  const c2 = cols[2] as number;
  const c3 = cols[3] as number;
  for (let c = 0; c < channels; c++) {
    let acc = 0;
    for (let j = 0; j < 4; j++) {
      const row = (rows[j] as number) * width;
      let line = 0;
      line += (src[(row + c0) * channels + c] as number) * w0;
      line += (src[(row + c1) * channels + c] as number) * w1;
      line += (src[(row + c2) * channels + c] as number) * w2;
      line += (src[(row + c3) * channels + c] as number) * w3;
      acc += line * (wy[j] as number);
    }
    out[outOffset + c] = clamp(acc, 0, 255);
  }
}

const smooth = (t: number) => t * t * (3 - 2 * t);

/** A smooth random displacement field: a (cells+1)^2 grid of random vectors. */
export interface WarpField {
  cells: number;
  grid: Float32Array;
  /** Peak displacement as a fraction of the image's long side. */
  amount: number;
}

export function warpField(amount: number, cells: number, rng: Rng): WarpField {
  const n = cells + 1;
  const grid = new Float32Array(n * n * 2);
  for (let i = 0; i < grid.length; i++) grid[i] = rng.normal() * 0.5;
  return { cells, grid, amount };
}

/**
 * The field's displacement along one row, in pixels: fills dx[x], dy[x] for row y of a
 * width x height image (the point pixel (x, y) takes its value from is (x + dx, y + dy)). The
 * field is resolution-independent: the same field moves the same content at any size. Row by row
 * and with the column weights computed once (see columnWeights), so the per-pixel work is a few
 * multiplications.
 */
interface Columns {
  i0: Int32Array;
  tx: Float64Array;
}

function columnWeights(cells: number, width: number): Columns {
  const i0 = new Int32Array(width);
  const tx = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const gx = (x / Math.max(1, width - 1)) * cells;
    const i = Math.min(Math.floor(gx), cells - 1);
    i0[x] = i;
    tx[x] = smooth(gx - i);
  }
  return { i0, tx };
}

function rowDisplacement(
  field: WarpField,
  columns: Columns,
  width: number,
  height: number,
  y: number,
  dx: Float64Array,
  dy: Float64Array,
): void {
  const { cells, grid } = field;
  const n = cells + 1;
  const peak = field.amount * Math.max(width, height);
  const gy = (y / Math.max(1, height - 1)) * cells;
  const j0 = Math.min(Math.floor(gy), cells - 1);
  const ty = smooth(gy - j0);
  for (let x = 0; x < width; x++) {
    const i0 = columns.i0[x] as number;
    const tx = columns.tx[x] as number;
    const g00 = (j0 * n + i0) * 2;
    const g01 = g00 + 2;
    const g10 = g00 + n * 2;
    const g11 = g10 + 2;
    const w00 = (1 - tx) * (1 - ty);
    const w01 = tx * (1 - ty);
    const w10 = (1 - tx) * ty;
    const w11 = tx * ty;
    dx[x] =
      ((grid[g00] as number) * w00 +
        (grid[g01] as number) * w01 +
        (grid[g10] as number) * w10 +
        (grid[g11] as number) * w11) *
      peak;
    dy[x] =
      ((grid[g00 + 1] as number) * w00 +
        (grid[g01 + 1] as number) * w01 +
        (grid[g10 + 1] as number) * w10 +
        (grid[g11 + 1] as number) * w11) *
      peak;
  }
}

/** Moves every pixel (and alpha) along the field, with bicubic resampling. */
export function warp(image: LowRes, field: WarpField): LowRes {
  const { width, height } = image;
  const rgb = new Float32Array(image.rgb.length);
  const alpha = image.alpha ? new Float32Array(image.alpha.length) : null;
  const columns = columnWeights(field.cells, width);
  const dx = new Float64Array(width);
  const dy = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    rowDisplacement(field, columns, width, height, y, dx, dy);
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const sx = x + (dx[x] as number);
      const sy = y + (dy[x] as number);
      sampleBicubic(image.rgb, width, height, 3, sx, sy, rgb, p * 3);
      if (image.alpha && alpha) sampleBicubic(image.alpha, width, height, 1, sx, sy, alpha, p);
    }
  }
  return { width, height, rgb, alpha };
}

/**
 * Adds `gain` times the input's own fine detail (the part above the generator's input band),
 * moved by the same field, onto the generator's output. `detail` may be negative. This is the
 * per-pixel loop at full resolution, so the bilinear sample is written out here.
 */
export function addWarpedDetail(
  out: Float32Array,
  width: number,
  height: number,
  detail: Float32Array,
  field: WarpField,
  gain: number,
): void {
  const columns = columnWeights(field.cells, width);
  const dxs = new Float64Array(width);
  const dys = new Float64Array(width);
  const xMax = width - 1;
  const yMax = height - 1;
  for (let y = 0; y < height; y++) {
    rowDisplacement(field, columns, width, height, y, dxs, dys);
    for (let x = 0; x < width; x++) {
      const sx = x + (dxs[x] as number);
      const sy = y + (dys[x] as number);
      const xc = Math.min(xMax, Math.max(0, sx));
      const yc = Math.min(yMax, Math.max(0, sy));
      const x0 = Math.floor(xc);
      const y0 = Math.floor(yc);
      const x1 = Math.min(xMax, x0 + 1);
      const y1 = Math.min(yMax, y0 + 1);
      const fx = xc - x0;
      const fy = yc - y0;
      const i00 = (y0 * width + x0) * 3;
      const i01 = (y0 * width + x1) * 3;
      const i10 = (y1 * width + x0) * 3;
      const i11 = (y1 * width + x1) * 3;
      const p = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = (detail[i00 + c] as number) * (1 - fx) + (detail[i01 + c] as number) * fx;
        const bottom = (detail[i10 + c] as number) * (1 - fx) + (detail[i11 + c] as number) * fx;
        // The sample is rounded to float32 as the Float32Array it used to be stored in was.
        const v = (out[p + c] as number) + gain * Math.fround(top * (1 - fy) + bottom * fy);
        out[p + c] = Math.min(255, Math.max(0, v));
      }
    }
  }
}

/**
 * Throws away detail: box-averages the image down by `factor`, then interpolates it back up, so
 * the generator has to invent that detail again.
 */
export function redetail(image: LowRes, factor: number): LowRes {
  if (factor <= 1.01) return image;
  const { width, height } = image;
  const sw = Math.max(1, Math.round(width / factor));
  const sh = Math.max(1, Math.round(height / factor));
  const small = shrink(image.rgb, { w: width, h: height, channels: 3, W: sw, H: sh });
  return { ...image, rgb: resize(small, { w: sw, h: sh, channels: 3, W: width, H: height }) };
}

/** Applies a colour grade in place. */
export function grade(image: LowRes, g: Grade): void {
  const { width, height, rgb } = image;
  const wbR = 1 + 0.12 * g.temperature;
  const wbB = 1 - 0.12 * g.temperature;
  const wbG = 1 - 0.08 * g.tint;
  const gainExposure = 2 ** g.exposure;
  const theta = (g.hue * Math.PI) / 180;
  const cos = Math.cos(theta) * g.saturation;
  const sin = Math.sin(theta) * g.saturation;
  const angle = (g.lightAngle * Math.PI) / 180;
  const lx = Math.cos(angle);
  const ly = Math.sin(angle);
  const fadeScale = (255 - g.fade) / 255;
  for (let y = 0; y < height; y++) {
    const v = (y + 0.5) / height - 0.5;
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width - 0.5;
      const p = (y * width + x) * 3;
      let r = (rgb[p] as number) * wbR * gainExposure;
      let gr = (rgb[p + 1] as number) * wbG * gainExposure;
      let b = (rgb[p + 2] as number) * wbB * gainExposure;
      // Hue and saturation: rotate and scale chroma in YIQ.
      const yl = 0.299 * r + 0.587 * gr + 0.114 * b;
      const i0 = 0.596 * r - 0.274 * gr - 0.322 * b;
      const q0 = 0.211 * r - 0.523 * gr + 0.312 * b;
      const i1 = i0 * cos - q0 * sin;
      const q1 = i0 * sin + q0 * cos;
      // Contrast around mid-grey on luma, keeping chroma.
      const yc = 127.5 + (yl - 127.5) * g.contrast;
      r = yc + 0.956 * i1 + 0.621 * q1;
      gr = yc - 0.272 * i1 - 0.647 * q1;
      b = yc - 1.106 * i1 + 1.703 * q1;
      // Split toning, weighted by luma.
      const l = clamp(yc / 255, 0, 1);
      const ws = (1 - l) * (1 - l);
      const wh = l * l;
      r += g.shadows[0] * ws + g.highlights[0] * wh;
      gr += g.shadows[1] * ws + g.highlights[1] * wh;
      b += g.shadows[2] * ws + g.highlights[2] * wh;
      // Relighting and vignette.
      const light = 1 + g.light * 2 * (u * lx + v * ly) - g.vignette * 2 * (u * u + v * v);
      rgb[p] = clamp(g.fade + clamp(r * light, 0, 255) * fadeScale, 0, 255);
      rgb[p + 1] = clamp(g.fade + clamp(gr * light, 0, 255) * fadeScale, 0, 255);
      rgb[p + 2] = clamp(g.fade + clamp(b * light, 0, 255) * fadeScale, 0, 255);
    }
  }
}

/** Adds seeded grain in place: mostly luminance, a little chroma. */
export function grain(image: LowRes, sigma: number, rng: Rng): void {
  const { rgb } = image;
  // Per pixel: one luminance draw, then one chroma draw for each of R, G and B.
  const n = rng.normals((rgb.length / 3) * 4);
  for (let p = 0, k = 0; p < rgb.length; p += 3, k += 4) {
    const l = (n[k] as number) * sigma;
    rgb[p] = clamp((rgb[p] as number) + l + (n[k + 1] as number) * sigma * 0.25, 0, 255);
    rgb[p + 1] = clamp((rgb[p + 1] as number) + l + (n[k + 2] as number) * sigma * 0.25, 0, 255);
    rgb[p + 2] = clamp((rgb[p + 2] as number) + l + (n[k + 3] as number) * sigma * 0.25, 0, 255);
  }
}

/** Replaces colour with its luma, in place (greyscale inputs give greyscale variations). */
export function toGrey(rgb: Float32Array | Uint8Array): void {
  for (let p = 0; p < rgb.length; p += 3) {
    const l =
      0.299 * (rgb[p] as number) + 0.587 * (rgb[p + 1] as number) + 0.114 * (rgb[p + 2] as number);
    rgb[p] = l;
    rgb[p + 1] = l;
    rgb[p + 2] = l;
  }
}

/** The whole seeded perturbation of one variation; the field is reused for the detail layer. */
export function perturb(
  image: LowRes,
  recipe: {
    seed: number;
    warp: number;
    warpCells: number;
    redetail: number;
    grain: number;
    grade: Grade;
  },
): { image: LowRes; field: WarpField } {
  const rng = new Rng(recipe.seed ^ 0x5bd1e995);
  const field = warpField(recipe.warp, recipe.warpCells, rng);
  const out = redetail(warp(image, field), recipe.redetail);
  grade(out, recipe.grade);
  grain(out, recipe.grain, rng);
  return { image: out, field };
}
