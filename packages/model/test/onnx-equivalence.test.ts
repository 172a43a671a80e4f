/**
 * The ONNX graph built from the npm weights computes what the TF.js model computes.
 *
 * Tolerance: 2e-3 absolute on outputs in 0..255. Both runtimes compute in float32 but sum in
 * different orders (ONNX Runtime's MLAS kernels with AVX-512 FMA, TF.js's XNNPACK wasm kernels
 * with SIMD128 and no FMA, and the upsample rewrite pre-sums kernel taps), so each output carries
 * rounding from dot products of 500–1600 terms through 12–154 layers. Measured: at most 3e-4,
 * that is about 20 ulp of float32 at 255 (ulp 1.5e-5). 2e-3 leaves room for other CPUs and is
 * still 1/500 of one 8-bit level; any mapping error (a transposed kernel, wrong padding, a wrong
 * channel order in DepthToSpace) gives errors of 1 to 100.
 */
import { readFileSync } from "node:fs";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import {
  type Generator,
  type GeneratorName,
  loadGenerator,
  type Scale,
} from "../src/engine/generator.ts";
import { lowResUpsampleConv } from "../src/engine/onnx-graph.ts";
import { SESSIONS_IN_USE } from "../src/engine/strength.ts";
import { loadTfjsGenerator } from "../src/reference/tfjs.ts";

const TOLERANCE = 2e-3;

/** A real photo's crop, odd-sized and not square so that a swapped axis cannot pass. */
async function photoCrop(width: number, height: number): Promise<Float32Array> {
  const photo = readFileSync(new URL("../eval/photos/chelsea.png", import.meta.url));
  const raw = await sharp(photo)
    .resize(width, height, { fit: "cover" })
    .removeAlpha()
    .raw()
    .toBuffer();
  return Float32Array.from(raw);
}

const released: Generator[] = [];
afterAll(async () => {
  for (const g of released) await g.dispose?.();
});

describe("the ONNX graph equals the TF.js model within float32 rounding", () => {
  // Every generator and scale the server uses, and esrgan-thick (measured, not in use) too, so
  // its custom layers' mapping is checked.
  const cases = [
    ...SESSIONS_IN_USE.map(({ name, scale }) => [name, scale] as const),
    ["esrgan-thick", 3] as const,
  ];
  it.each(cases)("%s x%i", async (name: GeneratorName, scale: Scale) => {
    const [width, height] = [37, 29];
    const rgb = await photoCrop(width, height);
    const onnx = await loadGenerator(name, scale);
    const tfjs = await loadTfjsGenerator(name, scale);
    released.push(onnx, tfjs);
    const a = await onnx.run(rgb, width, height);
    const b = await tfjs.run(rgb, width, height);
    expect(a.length).toBe(width * scale * height * scale * 3);
    expect(b.length).toBe(a.length);
    let max = 0;
    let spread = 0;
    for (let i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
      spread += Math.abs((b[i] as number) - (rgb[i % rgb.length] as number));
    }
    expect(max, `max |ONNX - TF.js| for ${name} x${scale}`).toBeLessThanOrEqual(TOLERANCE);
    // The comparison is not between two blank images.
    expect(spread / a.length).toBeGreaterThan(5);
  });
});

describe("the upsample rewrite", () => {
  it("is nearest-upsample-then-conv, computed at low resolution", () => {
    // A direct check on random numbers, independent of any runtime.
    const [s, cin, cout, h, w] = [3, 2, 2, 4, 5];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31 - 0.5;
    };
    const kernel = Float32Array.from({ length: 9 * cin * cout }, random);
    const bias = Float32Array.from({ length: cout }, random);
    const low = Float32Array.from({ length: h * w * cin }, random);
    const at = (
      img: Float32Array,
      W: number,
      H: number,
      C: number,
      y: number,
      x: number,
      c: number,
    ) => (y < 0 || x < 0 || y >= H || x >= W ? 0 : (img[(y * W + x) * C + c] as number));
    // Reference: upsample (nearest), then a 3x3 "same" conv at full resolution (HWIO kernel).
    const H = h * s;
    const W = w * s;
    const up = new Float32Array(H * W * cin);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        for (let c = 0; c < cin; c++)
          up[(y * W + x) * cin + c] = at(low, w, h, cin, Math.floor(y / s), Math.floor(x / s), c);
    const rewritten = lowResUpsampleConv(kernel, bias, [3, 3, cin, cout], s);
    const outCh = s * s * cout;
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        for (let o = 0; o < cout; o++) {
          let full = bias[o] as number;
          let lowRes = rewritten.bias[((y % s) * s + (x % s)) * cout + o] as number;
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++)
              for (let c = 0; c < cin; c++) {
                full +=
                  (kernel[((ky * 3 + kx) * cin + c) * cout + o] as number) *
                  at(up, W, H, cin, y + ky - 1, x + kx - 1, c);
                // DepthToSpace (DCR): output (s*yl + i, s*xl + j) is channel (i*s + j)*cout + o.
                const oc = ((y % s) * s + (x % s)) * cout + o;
                lowRes +=
                  (rewritten.kernel[((ky * 3 + kx) * cin + c) * outCh + oc] as number) *
                  at(low, w, h, cin, Math.floor(y / s) + ky - 1, Math.floor(x / s) + kx - 1, c);
              }
          expect(lowRes).toBeCloseTo(full, 5);
        }
  });
});
