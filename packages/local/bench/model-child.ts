/**
 * Runs in its own process, so its memory and CPU are its own:
 *
 * - `bare`: the baseline. The same ESRGAN-slim weights the model server uses, loaded from their npm
 *   package and driven the plain way: one `tf.loadLayersModel`, then `model.predict` on the wasm
 *   backend, with none of ArtAI's perturbation, decoding or encoding.
 * - `engine`: the model-only time of a job: the model package's own worker (one thread, as one
 *   request gets in the container) on the input its server would decode, with no HTTP, WebP
 *   encoding, queue, storage or database around it.
 *
 * Reads a JSON job from argv[2] and prints one JSON line of results.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { decode } from "@artai/model/image";
import { WorkerPool } from "@artai/model/pool";
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
  /** Per case: milliseconds per sample (bare: one predict; engine: one request of `variations`), warm-up excluded. */
  cases: { label: string; scale?: number; lowSize: [number, number]; samplesMs: number[] }[];
  peakRssBytes: number;
}

const require = createRequire(import.meta.url);
/** The folder of an installed package (some do not export their package.json). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

async function loadBare(scale: number): Promise<tf.LayersModel> {
  const dir = join(packageDir("@upscalerjs/esrgan-slim"), "models", `x${scale}`);
  const manifest = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of manifest.weightsManifest as tf.io.WeightsManifestConfig) {
    weightSpecs.push(...group.weights);
    for (const path of group.paths) buffers.push(readFileSync(join(dir, path)));
  }
  const weights = Buffer.concat(buffers);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: manifest.modelTopology,
      weightSpecs,
      weightData: weights.buffer.slice(
        weights.byteOffset,
        weights.byteOffset + weights.byteLength,
      ) as ArrayBuffer,
    }),
  );
}

async function bare(job: ChildJob): Promise<ChildResult> {
  setWasmPaths(`${packageDir("@tensorflow/tfjs-backend-wasm")}/dist/`);
  await tf.setBackend("wasm");
  await tf.ready();
  // The container picks the generator's scale per image; the baseline loads the same one.
  const models = new Map<number, tf.LayersModel>();
  let loadMs = 0;
  const cases: ChildResult["cases"] = [];
  for (const c of job.cases) {
    // The same low-resolution input, and scale, the server would hand its generator.
    const { low, scale } = await decode(readFileSync(c.path));
    let model = models.get(scale);
    if (!model) {
      const t0 = performance.now();
      model = await loadBare(scale);
      loadMs += performance.now() - t0;
      models.set(scale, model);
    }
    const generator = model;
    const input = tf.tensor4d(Float32Array.from(low.pixels), [1, low.height, low.width, 3]);
    const predict = async () => {
      const output = generator.predict(input) as tf.Tensor;
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
    cases.push({ label: c.label, scale, lowSize: [low.width, low.height], samplesMs });
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
  // The model package's own worker pool with one worker: its generator, perturbation and detail
  // layer exactly as the container runs them, minus HTTP and the WebP encodes.
  const t0 = performance.now();
  const pool = new WorkerPool({ workers: 1, maxQueue: 1, generator: "esrgan-slim" });
  await pool.ready;
  const loadMs = performance.now() - t0;
  const cases: ChildResult["cases"] = [];
  const render = async (bytes: Buffer, variations: number, seed: number) => {
    const input = await decode(bytes);
    const t = performance.now();
    await pool.run({ ...input, strength: job.strength, seed, variations }, () => {});
    return { ms: performance.now() - t, low: input.low };
  };
  for (const c of job.cases) {
    const bytes = readFileSync(c.path);
    const { low } = await render(bytes, 1, 0); // warm-up at this size
    const samplesMs: number[] = [];
    for (let i = 0; i < c.reps; i++) {
      samplesMs.push((await render(bytes, c.variations ?? 1, 42 + i)).ms);
    }
    cases.push({ label: c.label, lowSize: [low.width, low.height], samplesMs });
  }
  await pool.close();
  return {
    mode: "engine",
    backend: "wasm",
    threads: 1,
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
