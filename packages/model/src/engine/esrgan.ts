/**
 * The ESRGAN generators' weights, read from their npm packages (nothing is fetched), and the
 * mirrored margin both runtimes (ONNX Runtime, and TF.js as the reference) run them with.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The generators this server can load; each is an ESRGAN TF.js layers model on npm. */
export const GENERATORS = {
  "esrgan-slim": "@upscalerjs/esrgan-slim",
  "esrgan-medium": "@upscalerjs/esrgan-medium",
  "esrgan-thick": "@upscalerjs/esrgan-thick",
} as const;
export type GeneratorName = keyof typeof GENERATORS;
export type Scale = 2 | 3 | 4;

/** One Keras layer of a TF.js "layers" model.json (the parts ArtAI reads). */
export interface KerasLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  /** [[[inboundLayerName, nodeIndex, tensorIndex, kwargs], ...]] */
  inbound_nodes: [string, number, number, unknown][][];
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

/** A TF.js layers model as its package ships it: topology, weight specs and the weight bytes. */
export interface LayersModelFiles {
  generator: GeneratorName;
  scale: Scale;
  /** The npm package's version. */
  version: string;
  modelTopology: {
    model_config: {
      config: {
        layers: KerasLayer[];
        input_layers: unknown[];
        output_layers: [string, number, number][];
      };
    };
  };
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
}

export function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the package directory of ${name}`);
    dir = up;
  }
  return dir;
}

/** Reads `models/x{scale}/model.json` and its weight files from the generator's npm package. */
export function readLayersModel(name: GeneratorName, scale: Scale): LayersModelFiles {
  const dir = packageDir(GENERATORS[name]);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string };
  const modelDir = join(dir, "models", `x${scale}`);
  const manifest = JSON.parse(readFileSync(join(modelDir, "model.json"), "utf8"));
  const weightSpecs: WeightSpec[] = [];
  const buffers: Buffer[] = [];
  for (const group of manifest.weightsManifest as { paths: string[]; weights: WeightSpec[] }[]) {
    weightSpecs.push(...group.weights);
    for (const path of group.paths) buffers.push(readFileSync(join(modelDir, path)));
  }
  const weights = Buffer.concat(buffers);
  const weightData = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  ) as ArrayBuffer;
  return {
    generator: name,
    scale,
    version: pkg.version,
    modelTopology: manifest.modelTopology,
    weightSpecs,
    weightData,
  };
}

/** Mirrored margin, in input pixels, that the generator runs on and that is cropped away. */
export const MARGIN = 4;

/**
 * Runs `predict` (NHWC RGB in, NHWC RGB at `scale` times out) on the image with a mirrored margin
 * and crops the margin away: the network's zero padding would otherwise leave a faint line along
 * the borders.
 */
export async function withMirroredMargin(
  predict: (rgb: Float32Array, width: number, height: number) => Promise<Float32Array>,
  scale: number,
  rgb: Float32Array,
  width: number,
  height: number,
): Promise<Float32Array> {
  const m = Math.min(MARGIN, width - 1, height - 1);
  if (m <= 0) return predict(rgb, width, height);
  const pw = width + 2 * m;
  const ph = height + 2 * m;
  const padded = new Float32Array(pw * ph * 3);
  const mirror = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);
  for (let y = 0; y < ph; y++) {
    const sy = mirror(y - m, height) * width;
    const row = y * pw;
    // The middle of each row is one copy; only the margins are mirrored pixel by pixel.
    padded.set(rgb.subarray(sy * 3, (sy + width) * 3), (row + m) * 3);
    for (let x = 0; x < m; x++) {
      const left = (sy + mirror(x - m, width)) * 3;
      const right = (sy + mirror(width + x, width)) * 3;
      padded.set(rgb.subarray(left, left + 3), (row + x) * 3);
      padded.set(rgb.subarray(right, right + 3), (row + m + width + x) * 3);
    }
  }
  const up = await predict(padded, pw, ph);
  const W = width * scale;
  const H = height * scale;
  const PW = pw * scale;
  const out = new Float32Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    const src = ((y + m * scale) * PW + m * scale) * 3;
    out.set(up.subarray(src, src + W * 3), y * W * 3);
  }
  return out;
}
