/**
 * Part 1, the model: per-variation latency of the model container at 256, 512 and 1024 px, its
 * peak memory and the cores it keeps busy, against the same weights driven the plain way on the
 * old runtime (TF.js wasm) and as a bare ONNX pass of the graph the container runs.
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpuPeak } from "@artai/model/reference/cpu-peak";
import { startModelChild } from "./children.ts";
import { makePhoto } from "./photos.ts";
import {
  type CpuSplit,
  coresUsed,
  cpuSplit,
  peakRssBytes,
  type Sampling,
  type Summary,
  summarize,
} from "./stats.ts";

export interface ModelCase {
  longSide: number;
  /** Generator scale the container chose for this size (the baseline uses the same weights). */
  scale: number;
  samplesMs: number[];
  /** The generator's own time per variation, as the container reports it. */
  engineMs: number[];
  /** Bare TF.js predict, each taken next to the container sample of the same index. */
  bareMs: number[];
  /** Bare ONNX pass of the same graph (one session, a thread per core). */
  bareOnnxMs: number[];
  summary: Summary;
  engineSummary: Summary;
  bareSummary: Summary;
  bareOnnxSummary: Summary;
  /** GFLOP of one pass on this input, and what the bare ONNX pass reached per second. */
  gflopPerPass: number;
  onnxGflops: number;
  /** Container per-variation median ÷ bare predict median. */
  ratioToBare: number;
  /** Container per-variation median ÷ bare ONNX median. */
  ratioToBareOnnx: number;
  /** Median of the per-pair ratios (container sample ÷ the bare sample taken next to it). */
  pairedRatioToBare: number;
}

export interface ModelResults {
  workers: number;
  /** ONNX Runtime intra-op threads per worker in the container. */
  threads: number;
  cases: ModelCase[];
  bare: { loadMs: number; peakRssBytes: number; threads: number; backend: string };
  bareOnnx: { loadMs: number; peakRssBytes: number };
  /** The CPU's fp32 peak and how it was computed. */
  cpuPeak: { gflops: number; how: string };
  /** The same 4 passes as one 512 px job, bare ONNX on every core, taken in turns with fourAt512Ms. */
  fourAt512BareOnnxMs: number[];
  /** The container's 4-variation request ÷ the bare ONNX 4 passes (medians). */
  jobVsBareOnnx: number;
  /** One request at a time: cores the container kept busy while it worked. */
  sequentialCores: number;
  /** One request of 4 variations at 512 px (one job's work), one at a time. */
  fourAt512Ms: number[];
  /** `concurrent` requests of 4 variations at 512 px at once. */
  concurrent: {
    requests: number;
    variationsPerRequest: number;
    wallMs: number;
    cores: number;
    /** Variations per second concurrently ÷ sequentially. */
    throughputRatio: number;
    /** The same number of passes, bare ONNX on every core. */
    bareOnnxWallMs: number;
    /** Requests per second concurrently ÷ what the bare ONNX compute allows. */
    vsBareOnnx: number;
    /** How the machine's CPU was shared meanwhile, in cores. */
    cpu: CpuSplit;
  };
  peakRssBytes: number;
}

interface Timings {
  decodeMs: number;
  modelMs: number;
  encodeMs: number;
  totalMs: number;
}

export async function invoke(modelUrl: string, bytes: Buffer, variations: number, seed: number) {
  const t = performance.now();
  const res = await fetch(new URL("/invocations", modelUrl), {
    method: "POST",
    headers: {
      "content-type": "image/jpeg",
      "x-amzn-sagemaker-custom-attributes": `variations=${variations};strength=subtle;seed=${seed}`,
    },
    body: new Uint8Array(bytes),
  });
  const body = (await res.json()) as { timings?: Timings; variations?: unknown[] };
  const ms = performance.now() - t;
  if (res.status !== 200 || body.variations?.length !== variations) {
    throw new Error(`the model answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
  return { ms, timings: body.timings as Timings };
}

export async function benchModel(
  input: Sampling & {
    modelUrl: string;
    modelPid: number;
    workers: number;
    threads: number;
    dir: string;
  },
): Promise<ModelResults> {
  const { modelUrl, progress } = input;
  const sizes = [256, 512, 1024];
  const photos = new Map<number, Buffer>();
  for (const side of sizes) {
    const photo = await makePhoto(side, side);
    photos.set(side, photo.bytes);
    writeFileSync(join(input.dir, `model-${side}.jpg`), photo.bytes);
  }

  progress("model: starting the baselines (bare tfjs predict and bare ONNX pass, own processes)…");
  const bare = await startModelChild("bare");
  const onnx = await startModelChild("bare-onnx");
  const cases: ModelCase[] = [];
  let bareStats: Awaited<ReturnType<typeof bare.stats>> | undefined;
  let cpuMs = 0;
  let wallMs = 0;
  // Shares of what is left for each size, so the larger sizes still get their samples.
  const shares: Record<number, number> = { 256: 0.12, 512: 0.3, 1024: 0.5 };
  try {
    for (const side of sizes) {
      const bytes = photos.get(side) as Buffer;
      const path = join(input.dir, `model-${side}.jpg`);
      await invoke(modelUrl, bytes, 1, 999); // warm-up at this size
      const samplesMs: number[] = [];
      const engineMs: number[] = [];
      const bareMs: number[] = [];
      const bareOnnxMs: number[] = [];
      let gflopPerPass = Number.NaN;
      let scale = 0;
      const budget = input.budget.share(shares[side] ?? 0.3);
      // Container and baseline take turns, so both see the same load on a shared machine.
      for (let i = 0; budget.more(i, input.reps.min, input.reps.max); i++) {
        // Alternating which goes first (A B, B A, …) cancels a steady drift in the machine's load.
        const container = async () => {
          const one = await coresUsed(input.modelPid, () => invoke(modelUrl, bytes, 1, i));
          cpuMs += one.cpuMs;
          wallMs += one.wallMs;
          samplesMs.push(one.result.ms);
          engineMs.push(one.result.timings.modelMs);
        };
        const baseline = async () => {
          const b = await bare.sample(path);
          bareMs.push(b.ms);
          scale = b.scale;
        };
        const bareOnnx = async () => {
          const b = await onnx.sample(path, 1);
          bareOnnxMs.push(b.ms);
          gflopPerPass = b.gflop ?? Number.NaN;
        };
        const turns = [container, baseline, bareOnnx];
        for (const turn of i % 2 === 0 ? turns : turns.reverse()) await turn();
      }
      const summary = summarize(samplesMs);
      const bareSummary = summarize(bareMs);
      const bareOnnxSummary = summarize(bareOnnxMs);
      const c: ModelCase = {
        longSide: side,
        scale,
        samplesMs,
        engineMs,
        bareMs,
        bareOnnxMs,
        summary,
        engineSummary: summarize(engineMs),
        bareSummary,
        bareOnnxSummary,
        gflopPerPass,
        onnxGflops: gflopPerPass / (bareOnnxSummary.p50 / 1000),
        ratioToBare: summary.p50 / bareSummary.p50,
        ratioToBareOnnx: summary.p50 / bareOnnxSummary.p50,
        pairedRatioToBare: summarize(samplesMs.map((ms, i) => ms / (bareMs[i] as number))).p50,
      };
      cases.push(c);
      progress(
        `model ${side} px: container ${Math.round(summary.p50)} ms per variation vs bare tfjs ${Math.round(bareSummary.p50)} ms and bare ONNX ${Math.round(bareOnnxSummary.p50)} ms (${c.onnxGflops.toFixed(0)} GFLOP/s) (${samplesMs.length} rounds)`,
      );
    }
  } finally {
    bareStats = await bare.stats().catch(() => undefined);
    bare.close();
  }

  // One job's work (4 variations of 512 px) one request at a time, in turns with the bare ONNX
  // compute of the same 4 passes; then 8 requests at once against 32 bare passes.
  const bytes512 = photos.get(512) as Buffer;
  const path512 = join(input.dir, "model-512.jpg");
  const fourAt512: number[] = [];
  const fourAt512Bare: number[] = [];
  let bareOnnxStats: Awaited<ReturnType<typeof onnx.stats>> | undefined;
  let burst: Awaited<ReturnType<typeof cpuSplit<unknown>>>;
  let bareBurstMs = Number.NaN;
  const requests = 8;
  try {
    for (let i = 0; i < 6; i++) {
      const job = async () => fourAt512.push((await invoke(modelUrl, bytes512, 4, 200 + i)).ms);
      const passes = async () => fourAt512Bare.push((await onnx.sample(path512, 4)).ms);
      for (const turn of i % 2 === 0 ? [job, passes] : [passes, job]) await turn();
    }
    burst = await cpuSplit(input.modelPid, () =>
      Promise.all(
        Array.from({ length: requests }, (_, i) => invoke(modelUrl, bytes512, 4, 100 + i)),
      ),
    );
    bareBurstMs = (await onnx.sample(path512, requests * 4)).ms;
  } finally {
    bareOnnxStats = await onnx.stats().catch(() => undefined);
    onnx.close();
  }
  const throughputRatio = (requests * summarize(fourAt512).mean) / burst.wallMs;
  const vsBareOnnx = bareBurstMs / burst.wallMs;
  const jobVsBareOnnx = summarize(fourAt512).p50 / summarize(fourAt512Bare).p50;
  progress(
    `model: a 4-variation 512 px request ${Math.round(summarize(fourAt512).p50)} ms vs ${Math.round(summarize(fourAt512Bare).p50)} ms bare ONNX (${jobVsBareOnnx.toFixed(2)}×); ${requests}×4 variations at once in ${Math.round(burst.wallMs)} ms vs ${Math.round(bareBurstMs)} ms bare (${vsBareOnnx.toFixed(2)}× the bare throughput), ${burst.split.model.toFixed(2)} cores busy (other processes ${burst.split.others.toFixed(2)})`,
  );
  return {
    workers: input.workers,
    threads: input.threads,
    cases,
    bare: {
      loadMs: bare.loadMs,
      peakRssBytes: bareStats?.peakRssBytes ?? Number.NaN,
      threads: bareStats?.threads ?? 1,
      backend: bareStats?.backend ?? "wasm",
    },
    bareOnnx: { loadMs: onnx.loadMs, peakRssBytes: bareOnnxStats?.peakRssBytes ?? Number.NaN },
    cpuPeak: cpuPeak(),
    fourAt512BareOnnxMs: fourAt512Bare,
    jobVsBareOnnx,
    sequentialCores: cpuMs / wallMs,
    fourAt512Ms: fourAt512,
    concurrent: {
      requests,
      variationsPerRequest: 4,
      wallMs: burst.wallMs,
      cores: burst.split.model,
      cpu: burst.split,
      throughputRatio,
      bareOnnxWallMs: bareBurstMs,
      vsBareOnnx,
    },
    peakRssBytes: peakRssBytes(input.modelPid),
  };
}
