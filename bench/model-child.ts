/**
 * A helper process (forked with an IPC channel), so its memory and CPU are its own. It serves one
 * of three kinds of sample, one at a time, so the bench can interleave them with the samples they
 * are compared with (all then see the same load on a shared machine):
 *
 * - `bare`: the old runtime, as the baseline. The same ESRGAN-slim weights the model server uses,
 *   loaded from their npm package and driven the plain way: one `tf.loadLayersModel`, then
 *   `model.predict` on TF.js's wasm backend, with none of ArtAI's perturbation, decoding or
 *   encoding.
 * - `bare-onnx`: the bare ONNX pass: the very ONNX graph the model server runs (built from the
 *   same weights), `session.run` and nothing else. One pass runs on one session with an intra-op
 *   thread per core; several passes on one single-threaded session per core (worker threads),
 *   the faster way to run many. Either way the fastest this machine runs the graph.
 * - `engine`: the model-only time of a job: the model package's own worker pool, sized as the
 *   container sizes it by default (`resolveThreads`: one worker per 2 cores, 2 intra-op threads
 *   each, so 1 worker × 2 threads on 2 cores; docs/model.md, "Cores and memory"), on the input its
 *   server would decode, with no HTTP, WebP encoding, queue, storage or database around it.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import type { Scale } from "@artai/model/engine/generator";
import { GENERATOR_FOR } from "@artai/model/engine/strength";
import { decode } from "@artai/model/image";
import { WorkerPool } from "@artai/model/pool";
import { type BareOnnx, startBareOnnx } from "@artai/model/reference/bare-onnx";
import { resolveThreads } from "@artai/model/server";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

export type ChildMode = "bare" | "bare-onnx" | "engine";

export type ChildRequest =
  | { type: "sample"; path: string; variations: number; seed: number }
  | { type: "stats" };

export type ChildReply =
  | { type: "ready"; loadMs: number }
  | { type: "sample"; ms: number; scale: number; lowSize: [number, number]; gflop?: number }
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

async function bareOnnx(): Promise<Sampler> {
  const t0 = performance.now();
  const cores = availableParallelism();
  const runtimes = new Map<string, BareOnnx>();
  for (const scale of [3, 4] as Scale[]) {
    const generator = GENERATOR_FOR.subtle[scale as 3 | 4];
    runtimes.set(
      `wide${scale}`,
      await startBareOnnx({ generator, scale, sessions: 1, threads: cores }),
    );
    runtimes.set(
      `many${scale}`,
      await startBareOnnx({ generator, scale, sessions: cores, threads: 1 }),
    );
  }
  const warmed = new Set<string>();
  return {
    loadMs: performance.now() - t0,
    async sample(path, passes) {
      const { low, scale } = await decode(readFileSync(path));
      const runtime = runtimes.get(`${passes === 1 ? "wide" : "many"}${scale}`);
      if (!runtime) throw new Error(`no x${scale} graph`);
      if (!warmed.has(`${path}${passes === 1}`)) {
        await runtime.run(low.width, low.height, cores);
        warmed.add(`${path}${passes === 1}`);
      }
      const ms = await runtime.run(low.width, low.height, passes);
      const gflop = (2 * runtime.macsPerInputPixel * low.width * low.height) / 1e9;
      return { type: "sample", ms, scale, lowSize: [low.width, low.height], gflop };
    },
  };
}

async function engine(): Promise<Sampler> {
  // The model package's own worker pool, with the container's default workers and threads: its
  // generator, perturbation and detail layer exactly as the container runs them, minus HTTP and
  // the WebP encodes.
  const t0 = performance.now();
  const { workers, threads } = resolveThreads(availableParallelism());
  const pool = new WorkerPool({
    workers,
    threads,
    maxQueue: 1,
    generators: GENERATOR_FOR,
  });
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
const sampler =
  mode === "bare" ? await bare() : mode === "bare-onnx" ? await bareOnnx() : await engine();
process.on("message", (request: ChildRequest) => {
  const answer = async (): Promise<ChildReply> =>
    request.type === "stats"
      ? {
          type: "stats",
          peakRssBytes: process.resourceUsage().maxRSS * 1024,
          threads: mode === "bare" ? threadsCount() : 1,
          backend: mode === "bare" ? "wasm" : "onnxruntime-node (CPU)",
        }
      : sampler.sample(request.path, request.variations, request.seed);
  answer().then(send, (error: unknown) =>
    send({ type: "error", message: error instanceof Error ? (error.stack ?? "") : String(error) }),
  );
});
send({ type: "ready", loadMs: sampler.loadMs });
