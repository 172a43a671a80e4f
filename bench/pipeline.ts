/**
 * Part 2, the pipeline: 4 variations of a 512 px photo, one job at a time and 8 at once, measured
 * from the moment the upload completes, against the model-only time for the same work.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startModelChild } from "./children.ts";
import { type Breakdown, type JobContext, type JobSample, runJob } from "./jobs.ts";
import type { Photo } from "./photos.ts";
import { type Budget, type CpuSplit, cpuSplit, type Summary, summarize } from "./stats.ts";

export interface PipelineResults {
  photo: { label: string; bytes: number };
  variations: number;
  /** The model package's worker alone, in its own process. */
  engine: { loadMs: number; peakRssBytes: number };
  /** Model-only time of the same work, each sample taken right before a lone job's. */
  engineJobMs: number[];
  single: {
    jobs: JobSample[];
    firstVisible: Summary;
    succeeded: Summary;
    /** Median of each part of a job's time (ms). */
    breakdown: Breakdown;
  };
  concurrent: {
    jobsAtOnce: number;
    jobs: JobSample[];
    firstVisible: Summary;
    succeeded: Summary;
    /** First upload complete → last job seen succeeded. */
    makespanMs: number;
    /** Upload complete → the worker claimed it (the job's own startedAt). */
    queueWait: Summary;
    /** Claimed → finished (the job's own startedAt/finishedAt). */
    service: Summary;
    /** Cores the model container kept busy during the run. */
    modelCores: number;
    /** How the machine's CPU was shared during the run, in cores. */
    cpu: CpuSplit;
  };
  /** End-to-end median ÷ model-only median, one job alone. */
  overheadVsEngine: number;
  /** Median of the per-pair ratios (a lone job ÷ the model-only sample taken next to it). */
  pairedOverheadVsEngine: number;
  /** End-to-end median ÷ the model container's own time for the same request. */
  overheadVsContainer: number;
  /** Jobs per second with 8 at once ÷ jobs per second one at a time. */
  throughputRatio: number;
}

const median = (xs: number[]) => summarize(xs).p50;
const average = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export async function benchPipeline(input: {
  ctx: JobContext;
  photo: Photo;
  dir: string;
  modelPid: number;
  containerFourAt512Ms: number[];
  singleRuns: { min: number; max: number };
  budget: Budget;
  concurrentJobs: number;
  concurrentRounds: number;
  progress: (line: string) => void;
}): Promise<PipelineResults> {
  const { ctx, photo, progress } = input;
  const variations = 4;
  const photoPath = join(input.dir, "pipeline-512.jpg");
  writeFileSync(photoPath, photo.bytes);

  progress("pipeline: starting the model-only helper (the model's own worker, own process)…");
  const engine = await startModelChild("engine");
  const engineJobMs: number[] = [];
  const single: JobSample[] = [];
  let engineStats: Awaited<ReturnType<typeof engine.stats>> | undefined;
  try {
    await engine.sample(photoPath, variations, 1); // warm-up
    await runJob(ctx, photo, { variations, seed: 1, alone: true }); // warm-up
    const singleBudget = input.budget.share(0.45);
    // Model-only and end-to-end take turns, so both see the same load on a shared machine.
    for (let i = 0; singleBudget.more(i, input.singleRuns.min, input.singleRuns.max); i++) {
      // Alternating which goes first (A B, B A, …) cancels a steady drift in the machine's load.
      const runModelOnly = () => engine.sample(photoPath, variations, 10 + i);
      const runLoneJob = () => runJob(ctx, photo, { variations, seed: 10 + i, alone: true });
      let modelOnly: Awaited<ReturnType<typeof runModelOnly>>;
      let job: JobSample;
      if (i % 2 === 0) {
        modelOnly = await runModelOnly();
        job = await runLoneJob();
      } else {
        job = await runLoneJob();
        modelOnly = await runModelOnly();
      }
      engineJobMs.push(modelOnly.ms);
      single.push(job);
      progress(
        `pipeline 1 job: run ${i + 1} succeeded ${Math.round(job.succeededMs)} ms after upload; model-only ${Math.round(modelOnly.ms)} ms`,
      );
    }
    engineStats = await engine.stats();
  } finally {
    engine.close();
  }

  const concurrent: JobSample[] = [];
  let makespanMs = 0;
  const splits: CpuSplit[] = [];
  for (let round = 0; round < input.concurrentRounds; round++) {
    const {
      result: jobs,
      split,
      wallMs,
    } = await cpuSplit(input.modelPid, () =>
      Promise.all(
        Array.from({ length: input.concurrentJobs }, (_, i) =>
          runJob(ctx, photo, { variations, seed: 100 + round * 10 + i, alone: false }),
        ),
      ),
    );
    splits.push(split);
    const firstUpload = Math.min(...jobs.map((j) => j.uploadedAt));
    const lastSeen = Math.max(...jobs.map((j) => j.uploadedAt + j.succeededMs));
    makespanMs += lastSeen - firstUpload;
    concurrent.push(...jobs);
    progress(
      `pipeline ${input.concurrentJobs} jobs at once: round ${round + 1}/${input.concurrentRounds} all succeeded in ${Math.round(wallMs)} ms; CPU cores: model ${split.model.toFixed(2)}, stack ${split.stack.toFixed(2)}, other processes ${split.others.toFixed(2)}`,
    );
  }
  makespanMs /= input.concurrentRounds;

  const singleSucceeded = summarize(single.map((j) => j.succeededMs));
  const breakdowns = single.map((j) => j.breakdown).filter((b): b is Breakdown => !!b);
  const breakdown = Object.fromEntries(
    Object.keys(breakdowns[0] ?? {}).map((k) => [
      k,
      median(breakdowns.map((b) => b[k as keyof Breakdown])),
    ]),
  ) as unknown as Breakdown;
  const overheadVsEngine = singleSucceeded.p50 / median(engineJobMs);
  const pairedOverheadVsEngine = median(
    single.map((j, i) => j.succeededMs / (engineJobMs[i] as number)),
  );
  const overheadVsContainer = singleSucceeded.p50 / median(input.containerFourAt512Ms);
  const throughputRatio = input.concurrentJobs / makespanMs / (1 / singleSucceeded.p50);
  progress(
    `pipeline: overhead ${overheadVsEngine.toFixed(2)}× model-only; ${input.concurrentJobs} at once give ${throughputRatio.toFixed(2)}× one job's throughput`,
  );
  return {
    photo: { label: photo.label, bytes: photo.bytes.length },
    variations,
    engine: { loadMs: engine.loadMs, peakRssBytes: engineStats?.peakRssBytes ?? Number.NaN },
    engineJobMs,
    single: {
      jobs: single,
      firstVisible: summarize(single.map((j) => j.firstVisibleMs)),
      succeeded: singleSucceeded,
      breakdown,
    },
    concurrent: {
      jobsAtOnce: input.concurrentJobs,
      jobs: concurrent,
      firstVisible: summarize(concurrent.map((j) => j.firstVisibleMs)),
      succeeded: summarize(concurrent.map((j) => j.succeededMs)),
      makespanMs,
      queueWait: summarize(concurrent.map((j) => j.record.startedMs)),
      service: summarize(concurrent.map((j) => j.record.finishedMs - j.record.startedMs)),
      modelCores: average(splits.map((x) => x.model)),
      cpu: {
        machine: average(splits.map((x) => x.machine)),
        stack: average(splits.map((x) => x.stack)),
        model: average(splits.map((x) => x.model)),
        others: average(splits.map((x) => x.others)),
      },
    },
    overheadVsEngine,
    pairedOverheadVsEngine,
    overheadVsContainer,
    throughputRatio,
  };
}
