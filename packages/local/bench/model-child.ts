/**
 * Runs in its own process, so its memory and CPU are its own:
 *
 * - `bare`: the baseline. The same ESRGAN-slim weights the model server uses, loaded from their npm
 *   package and driven the plain way: one `tf.loadLayersModel`, then `model.predict` on the wasm
 *   backend, with none of ArtAI's perturbation, decoding or encoding.
 * - `engine`: the model-only time of a job: the model package's own engine (`renderVariation`) on
 *   the input its server would decode, with no HTTP, queue, storage or database around it.
 *
 * Reads a JSON job from argv[2] and prints one JSON line of results.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { loadGenerator } from "@artai/model/engine/generator";
import { renderVariation, SCALE_FOR } from "@artai/model/engine/variation";
import { decode } from "@artai/model/image";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

export interface ChildCase {
  label: string;
  /** An image file (the same bytes the server is sent). */
  path: string;
  reps: number;
  /** engine only: variations per rep. */
  variations?: number;
}

export interface ChildJob {
  mode: "bare" | "engine";
  strength: "subtle" | "strong";
  cases: ChildCase[];
}

export interface ChildResult {
  mode: "bare" | "engine";
  backend: string;
  threads: number;
  loadMs: number;
  /** Per case: milliseconds per variation (bare: per predict), warm-up excluded. */
  cases: { label: string; lowSize: [number, number]; samplesMs: number[] }[];
  peakRssBytes: number;
}

const require = createRequire(import.meta.url);
/** The folder of an installed package (some do not export their package.json). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

async function bare(job: ChildJob): Promise<ChildResult> {
  const scale = SCALE_FOR[job.strength];
  setWasmPaths(`${packageDir("@tensorflow/tfjs-backend-wasm")}/dist/`);
  await tf.setBackend("wasm");
  await tf.ready();
  const t0 = performance.now();
  const dir = join(packageDir("@upscalerjs/esrgan-slim"), "models", `x${scale}`);
  const manifest = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of manifest.weightsManifest as tf.io.WeightsManifestConfig) {
    weightSpecs.push(...group.weights);
    for (const path of group.paths) buffers.push(readFileSync(join(dir, path)));
  }
  const weights = Buffer.concat(buffers);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: manifest.modelTopology,
      weightSpecs,
      weightData: weights.buffer.slice(
        weights.byteOffset,
        weights.byteOffset + weights.byteLength,
      ) as ArrayBuffer,
    }),
  );
  const loadMs = performance.now() - t0;
  const cases: ChildResult["cases"] = [];
  for (const c of job.cases) {
    // The same low-resolution input the server would hand its generator for this image.
    const { low } = await decode(readFileSync(c.path), scale);
    const input = tf.tensor4d(Float32Array.from(low.pixels), [1, low.height, low.width, 3]);
    const predict = async () => {
      const output = model.predict(input) as tf.Tensor;
      await output.data();
      output.dispose();
    };
    await predict(); // warm-up at this size
    const samplesMs: number[] = [];
    for (let i = 0; i < c.reps; i++) {
      const t = performance.now();
      await predict();
      samplesMs.push(performance.now() - t);
    }
    input.dispose();
    cases.push({ label: c.label, lowSize: [low.width, low.height], samplesMs });
  }
  return {
    mode: "bare",
    backend: tf.getBackend(),
    threads: threadsCount(),
    loadMs,
    cases,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

async function engine(job: ChildJob): Promise<ChildResult> {
  const scale = SCALE_FOR[job.strength];
  const t0 = performance.now();
  const generator = await loadGenerator("esrgan-slim", scale);
  const loadMs = performance.now() - t0;
  const cases: ChildResult["cases"] = [];
  for (const c of job.cases) {
    const decoded = await decode(readFileSync(c.path), scale);
    const { low } = decoded;
    const rgb = new Float32Array(low.width * low.height * 3);
    for (let p = 0; p < low.width * low.height; p++) {
      for (let k = 0; k < 3; k++) rgb[p * 3 + k] = low.pixels[p * low.channels + k] as number;
    }
    const input = { width: low.width, height: low.height, rgb, alpha: null };
    const render = (index: number) =>
      renderVariation(generator, input, {
        seed: 42,
        index,
        strength: job.strength,
        greyscale: decoded.greyscale,
      });
    await render(0); // warm-up at this size
    const samplesMs: number[] = [];
    for (let i = 0; i < c.reps; i++) {
      for (let index = 0; index < (c.variations ?? 1); index++) {
        const t = performance.now();
        await render(index);
        samplesMs.push(performance.now() - t);
      }
    }
    cases.push({ label: c.label, lowSize: [low.width, low.height], samplesMs });
  }
  return {
    mode: "engine",
    backend: tf.getBackend(),
    threads: threadsCount(),
    loadMs,
    cases,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

function threadsCount(): number {
  const backend = tf.backend() as unknown as { getThreadsCount?: () => number };
  return backend.getThreadsCount?.() ?? 1;
}

const job = JSON.parse(process.argv[2] ?? "{}") as ChildJob;
const result = job.mode === "bare" ? await bare(job) : await engine(job);
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
