/**
 * Part 1, the model: per-variation latency of the model container at 256, 512 and 1024 px, its
 * peak memory and the cores it keeps busy, against the same weights driven the plain way.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runModelChild } from "./children.ts";
import type { ChildResult } from "./model-child.ts";
import { makePhoto } from "./photos.ts";
import { type Budget, coresUsed, peakRssBytes, type Summary, summarize } from "./stats.ts";

export interface ModelCase {
  longSide: number;
  samplesMs: number[];
  /** The generator's own time per variation, as the container reports it. */
  engineMs: number[];
  summary: Summary;
  engineSummary: Summary;
  bareSummary: Summary;
  /** Container per-variation median ÷ bare predict median. */
  ratioToBare: number;
}

export interface ModelResults {
  workers: number;
  cases: ModelCase[];
  bare: ChildResult;
  /** Sequential requests: cores the container kept busy. */
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

  const measured: { side: number; samplesMs: number[]; engineMs: number[] }[] = [];
  let sequentialCores = 0;
  // Shares of what is left for each size, so the larger sizes still get their samples.
  const shares: Record<number, number> = { 256: 0.12, 512: 0.3, 1024: 0.5 };
  for (const side of sizes) {
    const bytes = photos.get(side) as Buffer;
    await invoke(modelUrl, bytes, 1, 999); // warm-up at this size
    const samplesMs: number[] = [];
    const engineMs: number[] = [];
    const budget = input.budget.share(shares[side] ?? 0.3);
    const run = await coresUsed(input.modelPid, async () => {
      for (let i = 0; budget.more(i, input.reps.min, input.reps.max); i++) {
        const { ms, timings } = await invoke(modelUrl, bytes, 1, i);
        samplesMs.push(ms);
        engineMs.push(timings.modelMs);
      }
    });
    if (side === 512) sequentialCores = run.cores;
    measured.push({ side, samplesMs, engineMs });
    progress(
      `model ${side} px: median ${Math.round(summarize(samplesMs).p50)} ms per variation (${samplesMs.length} runs)`,
    );
  }

  // One job's work (4 variations of 512 px) one request at a time, then several at once: how many
  // cores does the container really use?
  const bytes512 = photos.get(512) as Buffer;
  const fourAt512: number[] = [];
  for (let i = 0; i < 2; i++) {
    fourAt512.push((await invoke(modelUrl, bytes512, 4, 200 + i)).ms);
  }
  const requests = input.workers * 2;
  const burst = await coresUsed(input.modelPid, () =>
    Promise.all(Array.from({ length: requests }, (_, i) => invoke(modelUrl, bytes512, 4, 100 + i))),
  );
  const throughputRatio = (requests * summarize(fourAt512).mean) / burst.wallMs;
  progress(
    `model concurrency: ${requests}×4 variations in ${Math.round(burst.wallMs)} ms, ${burst.cores.toFixed(2)} cores busy, ${throughputRatio.toFixed(2)}× the sequential throughput`,
  );

  progress("model baseline: the same weights through a bare tfjs predict (separate process)…");
  const bare = await runModelChild({
    mode: "bare",
    strength: "subtle",
    // As many samples as the container got at each size.
    cases: measured.map((m) => ({
      label: String(m.side),
      path: join(input.dir, `model-${m.side}.jpg`),
      reps: m.samplesMs.length,
    })),
  });

  const cases: ModelCase[] = measured.map((m) => {
    const bareSamples = bare.cases.find((c) => c.label === String(m.side))?.samplesMs ?? [];
    const summary = summarize(m.samplesMs);
    const bareSummary = summarize(bareSamples);
    return {
      longSide: m.side,
      samplesMs: m.samplesMs,
      engineMs: m.engineMs,
      summary,
      engineSummary: summarize(m.engineMs),
      bareSummary,
      ratioToBare: summary.p50 / bareSummary.p50,
    };
  });
  for (const c of cases) {
    progress(
      `model ${c.longSide} px: container ${Math.round(c.summary.p50)} ms vs bare predict ${Math.round(c.bareSummary.p50)} ms → ${c.ratioToBare.toFixed(2)}×`,
    );
  }
  return {
    workers: input.workers,
    cases,
    bare,
    sequentialCores,
    fourAt512Ms: fourAt512,
    concurrent: {
      requests,
      variationsPerRequest: 4,
      wallMs: burst.wallMs,
      cores: burst.cores,
      throughputRatio,
    },
    peakRssBytes: peakRssBytes(input.modelPid),
  };
}
