/**
 * Part 1, the model: per-variation latency of the model container at 256, 512 and 1024 px, its
 * peak memory and the cores it keeps busy, against the same weights driven the plain way.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startModelChild } from "./children.ts";
import { makePhoto } from "./photos.ts";
import {
  type Budget,
  type CpuSplit,
  coresUsed,
  cpuSplit,
  peakRssBytes,
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
  /** Bare predict, each taken right after the container sample of the same index. */
  bareMs: number[];
  summary: Summary;
  engineSummary: Summary;
  bareSummary: Summary;
  /** Container per-variation median ÷ bare predict median. */
  ratioToBare: number;
  /** Median of the per-pair ratios (container sample ÷ the bare sample taken next to it). */
  pairedRatioToBare: number;
}

export interface ModelResults {
  workers: number;
  cases: ModelCase[];
  bare: { loadMs: number; peakRssBytes: number; threads: number; backend: string };
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

export async function benchModel(input: {
  modelUrl: string;
  modelPid: number;
  workers: number;
  dir: string;
  /** Samples per size: at least `min`, up to `max` while the budget lasts. */
  reps: { min: number; max: number };
  budget: Budget;
  progress: (line: string) => void;
}): Promise<ModelResults> {
  const { modelUrl, progress } = input;
  const sizes = [256, 512, 1024];
  const photos = new Map<number, Buffer>();
  for (const side of sizes) {
    const photo = await makePhoto(side, side);
    photos.set(side, photo.bytes);
    writeFileSync(join(input.dir, `model-${side}.jpg`), photo.bytes);
  }

  progress("model: starting the baseline (bare tfjs predict, own process)…");
  const bare = await startModelChild("bare");
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
        if (i % 2 === 0) {
          await container();
          await baseline();
        } else {
          await baseline();
          await container();
        }
      }
      const summary = summarize(samplesMs);
      const bareSummary = summarize(bareMs);
      const c: ModelCase = {
        longSide: side,
        scale,
        samplesMs,
        engineMs,
        bareMs,
        summary,
        engineSummary: summarize(engineMs),
        bareSummary,
        ratioToBare: summary.p50 / bareSummary.p50,
        pairedRatioToBare: summarize(samplesMs.map((ms, i) => ms / (bareMs[i] as number))).p50,
      };
      cases.push(c);
      progress(
        `model ${side} px: container ${Math.round(summary.p50)} ms per variation vs bare predict ${Math.round(bareSummary.p50)} ms → ${c.ratioToBare.toFixed(2)}× (${samplesMs.length} pairs)`,
      );
    }
  } finally {
    bareStats = await bare.stats().catch(() => undefined);
    bare.close();
  }

  // One job's work (4 variations of 512 px) one request at a time, then several at once: how many
  // cores does the container really use?
  const bytes512 = photos.get(512) as Buffer;
  const fourAt512: number[] = [];
  for (let i = 0; i < 2; i++) {
    fourAt512.push((await invoke(modelUrl, bytes512, 4, 200 + i)).ms);
  }
  const requests = input.workers * 2;
  const burst = await cpuSplit(input.modelPid, () =>
    Promise.all(Array.from({ length: requests }, (_, i) => invoke(modelUrl, bytes512, 4, 100 + i))),
  );
  const throughputRatio = (requests * summarize(fourAt512).mean) / burst.wallMs;
  progress(
    `model concurrency: ${requests}×4 variations in ${Math.round(burst.wallMs)} ms, ${burst.split.model.toFixed(2)} cores busy (other processes ${burst.split.others.toFixed(2)}), ${throughputRatio.toFixed(2)}× the sequential throughput`,
  );
  return {
    workers: input.workers,
    cases,
    bare: {
      loadMs: bare.loadMs,
      peakRssBytes: bareStats?.peakRssBytes ?? Number.NaN,
      threads: bareStats?.threads ?? 1,
      backend: bareStats?.backend ?? "wasm",
    },
    sequentialCores: cpuMs / wallMs,
    fourAt512Ms: fourAt512,
    concurrent: {
      requests,
      variationsPerRequest: 4,
      wallMs: burst.wallMs,
      cores: burst.split.model,
      cpu: burst.split,
      throughputRatio,
    },
    peakRssBytes: peakRssBytes(input.modelPid),
  };
}
