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
  const run = predict;
  await run(new Float32Array(8 * 8 * 3).fill(128), 8, 8);
  return { name: `${name}-x${scale}`, version: pkg.version, scale, run };
}
