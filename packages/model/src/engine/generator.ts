import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

const require = createRequire(import.meta.url);

/** The generators this server can load; each is an ESRGAN (RDN) x4 TF.js layers model on npm. */
export const GENERATORS = {
  "esrgan-slim": "@upscalerjs/esrgan-slim",
  "esrgan-medium": "@upscalerjs/esrgan-medium",
} as const;
export type GeneratorName = keyof typeof GENERATORS;
export type Scale = 2 | 3 | 4;

export interface Generator {
  /** For example "esrgan-slim-x4". */
  name: string;
  /** The version of the npm package the weights come from. */
  version: string;
  scale: Scale;
  /** Runs the network on interleaved RGB (0..255) and returns RGB (0..255) at `scale` times the size. */
  run(rgb: Float32Array, width: number, height: number): Promise<Float32Array>;
}

function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the package directory of ${name}`);
    dir = up;
  }
  return dir;
}

/** Mirrored margin, in input pixels, that the generator runs on and that is cropped away. */
const MARGIN = 4;

let backendReady: Promise<void> | undefined;

/** Selects TF.js's wasm backend, with its .wasm files read from node_modules (no network). */
export function useWasmBackend(): Promise<void> {
  backendReady ??= (async () => {
    setWasmPaths(`${packageDir("@tensorflow/tfjs-backend-wasm")}/dist/`);
    if (!(await tf.setBackend("wasm"))) throw new Error("the TF.js wasm backend failed to start");
    await tf.ready();
  })();
  return backendReady;
}

/**
 * Loads an ESRGAN generator from the weights inside its npm package (tf.io.fromMemory, so
 * nothing is fetched) and runs one tiny prediction so the first request is not the slow one.
 */
export async function loadGenerator(
  name: GeneratorName = "esrgan-slim",
  scale: Scale = 4,
): Promise<Generator> {
  await useWasmBackend();
  const dir = packageDir(GENERATORS[name]);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string };
  const modelDir = join(dir, "models", `x${scale}`);
  const manifest = JSON.parse(readFileSync(join(modelDir, "model.json"), "utf8"));
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of manifest.weightsManifest as tf.io.WeightsManifestConfig) {
    weightSpecs.push(...group.weights);
    for (const path of group.paths) buffers.push(readFileSync(join(modelDir, path)));
  }
  const weights = Buffer.concat(buffers);
  const weightData = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  ) as ArrayBuffer;
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs, weightData }),
  );
  const predict = async (rgb: Float32Array, width: number, height: number) => {
    const output = tf.tidy(() => {
      const input = tf.tensor4d(rgb, [1, height, width, 3]);
      return (model.predict(input) as tf.Tensor).clipByValue(0, 255);
    });
    try {
      return (await output.data()) as Float32Array;
    } finally {
      output.dispose();
    }
  };
  // The network's zero padding leaves a faint line along the borders; running it on a mirrored
  // margin and cropping the margin away removes it.
  const run = async (rgb: Float32Array, width: number, height: number) => {
    const m = Math.min(MARGIN, width - 1, height - 1);
    if (m <= 0) return predict(rgb, width, height);
    const pw = width + 2 * m;
    const ph = height + 2 * m;
    const padded = new Float32Array(pw * ph * 3);
    const mirror = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);
    for (let y = 0; y < ph; y++) {
      const sy = mirror(y - m, height);
      for (let x = 0; x < pw; x++) {
        const sx = mirror(x - m, width);
        const src = (sy * width + sx) * 3;
        const dst = (y * pw + x) * 3;
        padded[dst] = rgb[src] as number;
        padded[dst + 1] = rgb[src + 1] as number;
        padded[dst + 2] = rgb[src + 2] as number;
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
  };
  await run(new Float32Array(8 * 8 * 3).fill(128), 8, 8);
  return { name: `${name}-x${scale}`, version: pkg.version, scale, run };
}
