/**
 * Bilinear resizing of interleaved float images, with TF.js's tf.image.resizeBilinear sampling
 * (align corners off; half-pixel centres or not), so the detail layer and alpha keep the numbers
 * they had when TF.js computed them. Separable, with the taps of each column computed once.
 */

interface Taps {
  lo: Int32Array;
  hi: Int32Array;
  frac: Float32Array;
}

function taps(inSize: number, outSize: number, halfPixel: boolean): Taps {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = halfPixel ? Math.max(0, (o + 0.5) * scale - 0.5) : o * scale;
    const l = Math.min(Math.floor(src), inSize - 1);
    lo[o] = l;
    hi[o] = Math.min(l + 1, inSize - 1);
    frac[o] = src - l;
  }
  return { lo, hi, frac };
}

/** Resizes a width x height x channels image to W x H. */
export function resizeBilinear(
  src: Float32Array,
  width: number,
  height: number,
  channels: number,
  W: number,
  H: number,
  halfPixel: boolean,
): Float32Array {
  const xs = taps(width, W, halfPixel);
  const ys = taps(height, H, halfPixel);
  // Rows first: each source row is resized horizontally once (height x W), then blended.
  const rows = new Float32Array(height * W * channels);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    const out = y * W * channels;
    for (let x = 0; x < W; x++) {
      const a = row + (xs.lo[x] as number) * channels;
      const b = row + (xs.hi[x] as number) * channels;
      const f = xs.frac[x] as number;
      for (let c = 0; c < channels; c++) {
        const left = src[a + c] as number;
        rows[out + x * channels + c] = left + ((src[b + c] as number) - left) * f;
      }
    }
  }
  const out = new Float32Array(H * W * channels);
  const line = W * channels;
  for (let y = 0; y < H; y++) {
    const top = (ys.lo[y] as number) * line;
    const bottom = (ys.hi[y] as number) * line;
    const f = ys.frac[y] as number;
    const o = y * line;
    for (let i = 0; i < line; i++) {
      const t = rows[top + i] as number;
      out[o + i] = t + ((rows[bottom + i] as number) - t) * f;
    }
  }
  return out;
}
