/**
 * A helper process (forked with an IPC channel), so its memory and CPU are its own. It serves one
 * of two kinds of sample, one at a time, so the bench can interleave them with the samples they
 * are compared with (both then see the same load on a shared machine):
 *
 * - `bare`: the baseline. The same ESRGAN-slim weights the model server uses, loaded from their npm
 *   package and driven the plain way: one `tf.loadLayersModel`, then `model.predict` on the wasm
 *   backend, with none of ArtAI's perturbation, decoding or encoding.
 * - `engine`: the model-only time of a job: the model package's own worker (one thread, as one
 *   request gets in the container) on the input its server would decode, with no HTTP, WebP
 *   encoding, queue, storage or database around it.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { decode } from "@artai/model/image";
import { WorkerPool } from "@artai/model/pool";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

export type ChildMode = "bare" | "engine";

export type ChildRequest =
  | { type: "sample"; path: string; variations: number; seed: number }
  | { type: "stats" };

export type ChildReply =
  | { type: "ready"; loadMs: number }
  | { type: "sample"; ms: number; scale: number; lowSize: [number, number] }
  | { type: "stats"; peakRssBytes: number; threads: number; backend: string }
  | { type: "error"; message: string };

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

interface Sampler {
  loadMs: number;
  sample(path: string, variations: number, seed: number): Promise<ChildReply>;
}

async function bare(): Promise<Sampler> {
  const t0 = performance.now();
  setWasmPaths(`${packageDir("@tensorflow/tfjs-backend-wasm")}/dist/`);
  await tf.setBackend("wasm");
  await tf.ready();
  // The container picks the generator's scale per image; the baseline loads the same ones.
  const models = new Map<number, tf.LayersModel>();
  for (const scale of [3, 4]) models.set(scale, await loadBare(scale));
  const warmed = new Set<string>();
  return {
    loadMs: performance.now() - t0,
    async sample(path) {
      // The same low-resolution input, and scale, the server would hand its generator.
      const { low, scale } = await decode(readFileSync(path));
      const model = models.get(scale);
      if (!model) throw new Error(`no x${scale} weights`);
      const input = tf.tensor4d(Float32Array.from(low.pixels), [1, low.height, low.width, 3]);
      const predict = async () => {
        const output = model.predict(input) as tf.Tensor;
        await output.data();
        output.dispose();
      };
      if (!warmed.has(path)) {
        await predict(); // the first run at a size builds the wasm kernels' buffers
        warmed.add(path);
      }
      const t = performance.now();
      await predict();
      const ms = performance.now() - t;
      input.dispose();
      return { type: "sample", ms, scale, lowSize: [low.width, low.height] };
    },
  };
}

async function engine(): Promise<Sampler> {
  // The model package's own worker pool with one worker: its generator, perturbation and detail
  // layer exactly as the container runs them, minus HTTP and the WebP encodes.
  const t0 = performance.now();
  const pool = new WorkerPool({ workers: 1, maxQueue: 1, generator: "esrgan-slim" });
  await pool.ready;
  const warmed = new Set<string>();
  const render = async (path: string, variations: number, seed: number) => {
    const input = await decode(readFileSync(path));
    const t = performance.now();
    await pool.run({ ...input, strength: "subtle", style: "photo", seed, variations }, () => {});
    return { ms: performance.now() - t, input };
  };
  return {
    loadMs: performance.now() - t0,
    async sample(path, variations, seed) {
      if (!warmed.has(path)) {
        await render(path, 1, 0);
        warmed.add(path);
      }
      const { ms, input } = await render(path, variations, seed);
      return {
        type: "sample",
        ms,
        scale: input.scale,
        lowSize: [input.low.width, input.low.height],
      };
    },
  };
}

function threadsCount(): number {
  const backend = tf.backend() as unknown as { getThreadsCount?: () => number } | undefined;
  return backend?.getThreadsCount?.() ?? 1;
}

const send = (reply: ChildReply) => process.send?.(reply);
const mode = process.argv[2] as ChildMode;
const sampler = mode === "bare" ? await bare() : await engine();
process.on("message", (request: ChildRequest) => {
  const answer = async (): Promise<ChildReply> =>
    request.type === "stats"
      ? {
          type: "stats",
          peakRssBytes: process.resourceUsage().maxRSS * 1024,
          threads: mode === "bare" ? threadsCount() : 1,
          backend: "wasm",
        }
      : sampler.sample(request.path, request.variations, request.seed);
  answer().then(send, (error: unknown) =>
    send({ type: "error", message: error instanceof Error ? (error.stack ?? "") : String(error) }),
  );
});
send({ type: "ready", loadMs: sampler.loadMs });
