/** The figures against ArtAI's targets, and a note on the bottleneck behind each missed one. */
import type { Breakdown } from "./jobs.ts";
import { mb, median, ms, PART_NAMES, pct, REMEDY, s, x } from "./report-format.ts";
import type { Results } from "./run.ts";
import { summarize } from "./stats.ts";

export interface Target {
  name: string;
  measured: string;
  met: boolean | undefined;
}

/** Each target the run measured, with its figure. */
export function targets(results: Results): Target[] {
  const m = results.machine;
  const targets: Target[] = [];
  const p = results.pipeline;
  const model = results.model;
  const api = results.api;
  if (p) {
    targets.push({
      name: "Pipeline overhead ≤ 1.25× model-only time, one job",
      measured: `${x(p.overheadVsEngine)} (${s(p.single.succeeded.p50)} end to end vs ${s(median(p.engineJobMs))} model-only)`,
      met: p.overheadVsEngine <= 1.25,
    });
    targets.push({
      name: "8 concurrent jobs: throughput ≥ 1.7× one job's",
      measured: `${x(p.throughputRatio)} (model container kept ${p.concurrent.modelCores.toFixed(2)} cores busy)`,
      met: p.throughputRatio >= 1.7,
    });
  }
  if (api) {
    targets.push({
      name: "`POST /api/jobs` ≥ 1,000 req/s with p99 ≤ 50 ms",
      measured: `${Math.round(api.post.requestsPerSecond).toLocaleString("en-US")} req/s, p99 ${api.post.latencyMs.p99} ms`,
      met: api.post.requestsPerSecond >= 1000 && api.post.latencyMs.p99 <= 50,
    });
  }
  if (p) {
    targets.push({
      name: "A job of 4 variations of a 512 px photo, upload complete → succeeded ≤ 0.6 s",
      measured: `${s(p.single.succeeded.p50)} (p50 of ${p.single.jobs.length} lone jobs)`,
      met: p.single.succeeded.p50 <= 600,
    });
  }
  if (model) {
    const c512 = model.cases.find((c) => c.longSide === 512);
    if (c512) {
      targets.push({
        name: "Generator ≥ 100 GFLOP/s effective",
        measured: `${c512.onnxGflops.toFixed(0)} GFLOP/s at 512 px (bare ONNX pass on ${m.cores} cores, ${pct(c512.onnxGflops / model.cpuPeak.gflops)} of peak); inside the container ${(c512.gflopPerPass / (c512.engineSummary.p50 / 1000)).toFixed(0)} GFLOP/s counting its whole per-variation model step`,
        met: c512.onnxGflops >= 100,
      });
    }
    targets.push({
      name: "A job ≤ 1.5× the bare ONNX compute of its 4 passes",
      measured: `${x(model.jobVsBareOnnx)} (${s(summarize(model.fourAt512Ms).p50)} vs ${s(summarize(model.fourAt512BareOnnxMs).p50)})`,
      met: model.jobVsBareOnnx <= 1.5,
    });
    targets.push({
      name: "8 jobs at once ≥ 0.75× the bare ONNX throughput",
      measured: `${x(model.concurrent.vsBareOnnx)} (model container, ${model.concurrent.requests} requests of 4)${p ? `; through the whole pipeline ${x((model.concurrent.bareOnnxWallMs / p.concurrent.makespanMs) * (p.concurrent.jobsAtOnce / model.concurrent.requests))}` : ""}`,
      met: model.concurrent.vsBareOnnx >= 0.75,
    });
    targets.push({
      name: "Model container peak RSS ≤ 600 MiB",
      measured: mb(model.peakRssBytes),
      met: model.peakRssBytes <= 600 * 2 ** 20,
    });
  }
  return targets;
}

/**
 * A note for every missed target, named from what was measured; `meanLoad` is the one-minute load
 * average over the run.
 */
export function bottlenecks(results: Results, meanLoad: number): string[] {
  const m = results.machine;
  const p = results.pipeline;
  const model = results.model;
  const api = results.api;
  const notes: string[] = [];
  if (p && p.overheadVsEngine > 1.25) {
    const b = p.single.breakdown;
    const engineMs = median(p.engineJobMs);
    // What separates the end-to-end time from the model alone, largest first.
    const slowdown = b.modelComputeMs - engineMs;
    const contributions: { name: string; ms: number; remedy: string }[] = [
      ...(Object.keys(b) as (keyof Breakdown)[])
        .filter((k) => k !== "modelComputeMs")
        .map((k) => ({ name: PART_NAMES[k], ms: b[k], remedy: REMEDY[k] })),
      {
        name: "the generator running slower inside the container than alone",
        ms: slowdown,
        remedy:
          "inside the container the generator shares the CPU with the WebP encodes of the earlier variations (on the container's main thread) and with the rest of the stack, which on 2 cores all compete with it; more cores than model workers, or encoding after the last variation, would remove that",
      },
    ]
      .filter((c) => c.ms > 0)
      .sort((a, c) => c.ms - a.ms)
      .slice(0, 3);
    notes.push(
      `- **Pipeline overhead (${x(p.overheadVsEngine)}).** A lone job took ${s(p.single.succeeded.p50)} against ${s(engineMs)} for the model alone. The largest parts of the difference: ${contributions.map((c) => `${c.name}, ${ms(c.ms)}`).join("; ")}. What would remove them: ${contributions.map((c) => c.remedy).join("; ")}.`,
    );
  }
  if (p && p.throughputRatio < 1.7) {
    notes.push(
      `- **Concurrent throughput (${x(p.throughputRatio)}).** ${
        p.concurrent.cpu.machine >= 0.85 * m.cores
          ? `The CPU was the limit: during the ${p.concurrent.jobsAtOnce} jobs the machine was busy ${p.concurrent.cpu.machine.toFixed(2)} of its ${m.cores} cores, and the model container got only ${p.concurrent.cpu.model.toFixed(2)} of them; the stack process took ${p.concurrent.cpu.stack.toFixed(2)} and other processes on this shared machine ${p.concurrent.cpu.others.toFixed(2)}. With at least two jobs in flight both model workers always have work (the event source runs 4 invocations at once), so on a machine of its own the container would get close to ${m.cores} cores; the model-only burst in part 1 (${results.model ? x(results.model.concurrent.throughputRatio) : "–"}) is the same measure without the pipeline. What the pipeline itself costs is the stack's ${p.concurrent.cpu.stack.toFixed(2)} cores, taken from the model on ${m.cores} cores; on AWS the API, worker, S3 and DynamoDB do not share the model's instance.`
          : `The machine still had idle CPU (busy ${p.concurrent.cpu.machine.toFixed(2)} of ${m.cores} cores) while the model container used ${p.concurrent.cpu.model.toFixed(2)}: the container was not given enough work at once. Jobs waited ${s(p.concurrent.queueWait.p95)} (p95) to be claimed; more concurrent invocations, or a model queue that accepts more waiting requests, would fill the gaps.`
      }`,
    );
  }
  if (p && p.single.succeeded.p50 > 600)
    notes.push(
      `- **A job end to end (${s(p.single.succeeded.p50)} against 0.6 s).** Of it, the model-only work of the job took ${s(median(p.engineJobMs))} in turns with the jobs, and the bare ONNX compute of its 4 passes ${results.model ? s(summarize(results.model.fourAt512BareOnnxMs).p50) : "–"}: the generator's arithmetic is the largest part, and it ran on the share of the ${m.cores} cores other processes left (load average ${meanLoad.toFixed(1)} on average during the run). The rest of the pipeline is listed in the breakdown above.`,
    );
  if (api && !(api.post.requestsPerSecond >= 1000 && api.post.latencyMs.p99 <= 50)) {
    notes.push(
      `- **API (${Math.round(api.post.requestsPerSecond)} req/s, p99 ${api.post.latencyMs.p99} ms).** The api function's thread was busy ${pct(api.post.eventLoopUtilization)} of the time and the stack's main thread ${pct(api.post.stackEventLoopUtilization)}, and the stack's process spent ${api.post.cpuMsPerRequest.toFixed(1)} ms of CPU per POST in all its threads, so even a whole free core would serve about ${Math.round(1000 / api.post.cpuMsPerRequest)} POSTs a second: locally one Node process runs the API handler (in its own thread), the front, the local S3 and dynalite (DynamoDB on LevelDB, in the main thread) and the worker (in its own thread), on the same cores. Each POST made ${api.post.database.callsPerRequest.toFixed(1)} DynamoDB calls (the rate-limit token and the job${api.post.database.callsPerRequest >= 2.5 ? ", and the open-jobs count" : ""}) of ${api.post.database.p50Ms.toFixed(1)} ms each (p50, mostly waiting behind other requests in dynalite's event loop), and signs a POST policy. The profiler, on the stack's main thread, puts the largest shares of its CPU in ${api.postProfile.shares
        .slice(0, 3)
        .map((c) => `${c.name} (${pct(c.share)})`)
        .join(
          ", ",
        )}: ${pct(emulation(api.postProfile.shares))} of it goes to the AWS SDK, dynalite, and Node's own HTTP and socket code, that is to the DynamoDB round trips that this one process both sends and serves. On AWS each Lambda invocation has its own CPU and DynamoDB is a separate service, so this ceiling is the local stand-in's: running dynalite in its own process (or worker thread) and the API in more than one process would lift it locally. ${api.post.database.callsPerRequest >= 2.5 ? "In the API code itself, a POST without an owner cookie is a new owner with no open jobs, so its open-jobs count query could be skipped. " : ""}One address's rate-limit bucket is a single item that every request from it updates, one more round trip per request. At ${m.cores} cores shared with autocannon itself and other processes, ${Math.round(1000 / api.post.cpuMsPerRequest)} POSTs a second per core is far from 1,000: the target needs about 1 ms of CPU per request.`,
    );
  }
  if (model) {
    const c512 = model.cases.find((c) => c.longSide === 512);
    if (c512 && model.jobVsBareOnnx > 1.5) {
      notes.push(
        `- **A job against the bare ONNX compute (${x(model.jobVsBareOnnx)}).** At 512 px one variation took ${ms(c512.summary.p50)} in the container (whole request), ${ms(c512.engineSummary.p50)} of it in the worker (perturbation, generator with its mirrored margin, detail layer), against ${ms(c512.bareOnnxSummary.p50)} for the bare pass: the difference is the per-pixel JavaScript around the generator, the margin's extra pixels, and decoding and WebP encoding on the main thread, which on ${m.cores} cores compete with the workers.`,
      );
    }
    if (c512 && c512.onnxGflops < 100)
      notes.push(
        `- **Generator speed (${c512.onnxGflops.toFixed(0)} GFLOP/s at 512 px).** The bare ONNX pass is ONNX Runtime alone, so what it reaches is what the CPU gave it: during the run, other processes on this shared machine kept the one-minute load average at an average of ${meanLoad.toFixed(1)} on ${m.cores} cores, and during the concurrency sample they took ${model.concurrent.cpu.others.toFixed(2)} of the ${m.cores} cores. The CPU's peak is ${model.cpuPeak.gflops.toFixed(0)} GFLOP/s (${model.cpuPeak.how}); \`pnpm --filter @artai/model bench\` has the pass on 1 and 2 threads in turns with TF.js.`,
      );
    if (model.concurrent.vsBareOnnx < 0.75) {
      notes.push(
        `- **Many jobs at once (${x(model.concurrent.vsBareOnnx)} the bare throughput).** The machine was busy ${model.concurrent.cpu.machine.toFixed(2)} of ${m.cores} cores, ${model.concurrent.cpu.others.toFixed(2)} of them for other processes; the container got ${model.concurrent.cores.toFixed(2)}.`,
      );
    }
  }
  return notes;
}

/** Share of the API's CPU spent on DynamoDB round trips inside one process (SDK, dynalite, HTTP). */
function emulation(shares: { name: string; share: number }[]): number {
  return shares
    .filter((c) => /AWS SDK|dynalite|Node\.js internals|native code/.test(c.name))
    .reduce((a, c) => a + c.share, 0);
}
