/** Writes docs/benchmarks.md from one run's results: figures, ratios, targets and bottlenecks. */
import { writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import type { Breakdown } from "./jobs.ts";
import type { Results } from "./run.ts";
import { type Summary, summarize } from "./stats.ts";

const ms = (n: number) =>
  Number.isFinite(n) ? `${Math.round(n).toLocaleString("en-US")} ms` : "–";
const s = (n: number) => (Number.isFinite(n) ? `${(n / 1000).toFixed(2)} s` : "–");
const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : "–");
const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
const pct = (n: number) => `${Math.round(n * 100)}%`;
const p50p95 = (sum: Summary) => `${s(sum.p50)} / ${s(sum.p95)}`;

const PART_NAMES: Record<keyof Breakdown, string> = {
  queueMs: "S3 event + queue (upload complete → worker's first call)",
  databaseMs: "database (worker's DynamoDB calls)",
  objectStoreMs: "object store (read the upload, write the variations)",
  workerCodecsMs: "worker codecs (check and re-encode the upload) and other worker code",
  modelCodecsMs: "model codecs (decode, WebP encodes not hidden behind the generator)",
  modelComputeMs: "model compute (the generator)",
  modelTransportMs: "model transport (HTTP hops, base64 JSON both ways)",
  visibilityMs: "until the client sees it (long poll)",
};

/** What would shrink each part, for the bottleneck notes. */
const REMEDY: Record<keyof Breakdown, string> = {
  queueMs:
    "the S3 notification and the queue poll; on AWS this is SQS's long poll, locally the event source polls every 250 ms at most",
  databaseMs:
    "three DynamoDB round trips (read, claim, finish) that cannot be merged without transactions",
  objectStoreMs:
    "reading the upload and writing each variation; the model container writing its outputs straight to the bucket would save one copy",
  workerCodecsMs:
    "the worker decodes the upload and re-encodes it as PNG before the model decodes it again; sending the checked original bytes would remove one decode and one encode",
  modelCodecsMs:
    "the container's decode and the WebP encode of the last variation, which nothing overlaps",
  modelComputeMs:
    "the generator itself (ONNX Runtime, a job's variations spread over one single-threaded session per core): a smaller generator, fewer pixels per pass, or more cores",
  modelTransportMs:
    "the variations travel as base64 inside JSON through the SageMaker front; binary bodies or outputs written to S3 by the container would remove it",
  visibilityMs:
    "the API's long poll re-reads the job every 250 ms; waking the waiting request on the job's change (a stream or a notification) instead of polling would remove most of it",
};

function breakdownTable(b: Breakdown, total: number): string {
  const rows = (Object.keys(PART_NAMES) as (keyof Breakdown)[]).map(
    (k) => `| ${PART_NAMES[k]} | ${ms(b[k])} | ${pct(b[k] / total)} |`,
  );
  return [
    "| part | median | share of the end-to-end median |",
    "| --- | ---: | ---: |",
    ...rows,
  ].join("\n");
}

export function writeReport(
  results: Results,
  out: { path: string; charts: string[]; assetsDir: string },
) {
  const rel = (file: string) => relative(dirname(out.path), `${out.assetsDir}/${file}`);
  const chart = (file: string, alt: string) =>
    out.charts.includes(file) ? `\n![${alt}](${rel(file)})\n` : "";
  const m = results.machine;
  const loads = results.load.map((l) => l.load1);
  const maxLoad = Math.max(...loads, ...m.loadAverageAtStart);
  const meanLoad = loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length);
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);

  push(
    "# Benchmarks",
    "",
    `Produced by \`${results.command}\` (from the repository root) on ${m.date.slice(0, 16).replace("T", " ")} UTC, in **${results.durationS.toFixed(0)} s** in all. Every figure below comes from that one run on one machine; comparisons are ratios of figures from the same run. Raw samples, the machine's facts and the load average over the run are in [\`benchmarks/results.json\`](${rel("results.json")}).`,
    "",
    `**Machine:** ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}.`,
    "",
    `**Noise:** the machine is shared with other people's work. The one-minute load average (which counts this bench's own processes too) was ${m.loadAverageAtStart[0]} at the start, ${meanLoad.toFixed(1)} on average during the run and ${maxLoad.toFixed(1)} at most, on ${m.cores} cores. ${othersNote(results)}`,
    "",
    "The bench starts its own stack (temporary data directory, free ports): the model container as a child process, the local S3, dynalite, the queue with its event source mapping, the SageMaker Runtime front, the API behind the API Gateway adapter, and Next.js in production mode. It drives jobs only through the public API and a browser-style upload, and reads where the time goes from outside the application code: the timestamps each job records, the HTTP calls the worker makes (Node's `http.client` diagnostics channels), and the `timings` the model container returns (read by a pass-through in front of it).",
    "",
  );

  // Targets.
  const targets: { name: string; measured: string; met: boolean | undefined }[] = [];
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
  const failed = Object.entries(results.failures ?? {});
  if (failed.length > 0) {
    push(
      "**Not measured in this run** (the part failed; the other parts are complete):",
      "",
      ...failed.map(([part, message]) => `- ${part}: ${message}`),
      "",
    );
  }
  push(
    "## Targets",
    "",
    "| target (2 cores) | measured | met? |",
    "| --- | --- | --- |",
    ...targets.map((t) => `| ${t.name} | ${t.measured} | ${t.met ? "**yes**" : "**no**"} |`),
    "",
  );

  if (model) {
    push(
      "## 1. Model",
      "",
      `The model container (${model.workers} worker thread${model.workers === 1 ? "" : "s"}, each with one ONNX Runtime session per generator and scale, ${model.threads} intra-op threads each; a request's variations run on every free worker) against two **baselines** measured in the same run, each in its own process: the **old runtime** (the same ESRGAN-slim weights through a bare \`tf.loadLayersModel\` + \`model.predict\` on TF.js's wasm backend) and the **bare ONNX pass** (the very ONNX graph the container runs, \`session.run\` alone: one pass on one session with a thread per core, several passes on one single-threaded session per core, whichever this machine runs fastest), both on the same low-resolution input the container's generator gets (${model.cases.map((c) => `x${c.scale} at ${c.longSide} px`).join(", ")}). The three take turns (A B C, then C B A, …), so that all see the same load on this shared machine. "Container" is the whole HTTP request for one variation (decode, perturbation, generator, detail layer, WebP encode); "engine" is the container's own per-variation model time from its \`timings\`. GFLOP/s are the graph's multiply-accumulates (2 FLOP each) over the bare ONNX pass's time; the CPU's peak is ${model.cpuPeak.how}.`,
      "",
      "| output long side | container p50 / p95 | engine p50 | bare TF.js p50 | bare ONNX p50 | container ÷ bare ONNX | TF.js ÷ bare ONNX | bare ONNX GFLOP/s (of peak) |",
      "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...model.cases.map(
        (c) =>
          `| ${c.longSide} px | ${ms(c.summary.p50)} / ${ms(c.summary.p95)} | ${ms(c.engineSummary.p50)} | ${ms(c.bareSummary.p50)} | ${ms(c.bareOnnxSummary.p50)} | ${x(c.ratioToBareOnnx)} | ${x(c.bareSummary.p50 / c.bareOnnxSummary.p50)} | ${c.onnxGflops.toFixed(0)} (${pct(c.onnxGflops / model.cpuPeak.gflops)}) |`,
      ),
      "",
      `- Samples: ${model.cases.map((c) => `${c.summary.n} rounds at ${c.longSide} px`).join(", ")} (after one warm-up each).`,
      `- **A job's model work** (4 variations of the 512 px photo in one request, decode and WebP encodes included): **${s(summarize(model.fourAt512Ms).p50)}** (p50 of ${model.fourAt512Ms.length}) against **${s(summarize(model.fourAt512BareOnnxMs).p50)}** for the bare ONNX compute of the same 4 passes (one single-threaded session per core), taken in turns: **${x(model.jobVsBareOnnx)}**.`,
      `- **${model.concurrent.requests} requests of ${model.concurrent.variationsPerRequest} variations at once:** ${s(model.concurrent.wallMs)}, against ${s(model.concurrent.bareOnnxWallMs)} for the same ${model.concurrent.requests * model.concurrent.variationsPerRequest} bare ONNX passes: **${x(model.concurrent.vsBareOnnx)}** the bare throughput, and ${x(model.concurrent.throughputRatio)} the throughput of the same requests one at a time. The container kept ${model.concurrent.cores.toFixed(2)} cores busy; the machine was busy ${model.concurrent.cpu.machine.toFixed(2)} of ${m.cores} cores, ${model.concurrent.cpu.others.toFixed(2)} of them for other processes on this shared machine.`,
      `- Peak RSS of the container process: **${mb(model.peakRssBytes)}** (main thread and ${model.workers} worker${model.workers === 1 ? "" : "s"} with their sessions). The bare TF.js process peaked at ${mb(model.bare.peakRssBytes)} with one model, the bare ONNX process at ${mb(model.bareOnnx.peakRssBytes)}.`,
      `- Cores used while 1-variation requests came one at a time: **${model.sequentialCores.toFixed(2)}** of the ${model.workers * model.threads} the container's sessions may use (the rest of the time the CPU went to other processes, or to the client and the baselines between samples).`,
      chart(
        "model-latency.png",
        "Per-variation model time at 256, 512 and 1024 px: container, engine, bare TF.js and bare ONNX",
      ),
    );
  }

  if (p) {
    const total = p.single.succeeded.p50;
    const fvEqual = p.single.jobs.every((j) => Math.abs(j.firstVisibleMs - j.succeededMs) < 1);
    push(
      "## 2. Pipeline",
      "",
      `${p.variations} variations of a ${p.photo.label} (${kb(p.photo.bytes)} JPEG), timed from the moment the browser-style upload to the presigned POST completes. "Model-only" is the model package's own worker pool (the container's default workers and ONNX Runtime threads) rendering the same ${p.variations} variations of the same input in a process of its own, with no HTTP, WebP encoding, queue, storage or database; model-only samples and lone jobs take turns: **${s(median(p.engineJobMs))}** (median of ${p.engineJobMs.length}); the model container answers the same request in ${s(median(results.model?.fourAt512Ms ?? []))}.`,
      "",
      "| jobs at once | upload → first variation visible, p50 / p95 | upload → job succeeded, p50 / p95 | jobs |",
      "| ---: | ---: | ---: | ---: |",
      `| 1 | ${p50p95(p.single.firstVisible)} | ${p50p95(p.single.succeeded)} | ${p.single.jobs.length} |`,
      `| ${p.concurrent.jobsAtOnce} | ${p50p95(p.concurrent.firstVisible)} | ${p50p95(p.concurrent.succeeded)} | ${p.concurrent.jobs.length} |`,
      "",
      fvEqual
        ? "The first variation becomes visible together with the others: the worker records a job's variations in the same write that marks it succeeded, so the two columns are the same."
        : "",
      "",
      `- **Overhead:** end to end ÷ model-only = **${x(p.overheadVsEngine)}** (ratio of the medians; the median of the ${p.engineJobMs.length} paired ratios, each job against the model-only sample taken just before it, is ${x(p.pairedOverheadVsEngine)}); end to end ÷ the container's own time for the same request = ${x(p.overheadVsContainer)}.`,
      `- **${p.concurrent.jobsAtOnce} at once:** all ${p.concurrent.jobsAtOnce} finished ${s(p.concurrent.makespanMs)} after the first upload completed, **${x(p.throughputRatio)}** the jobs per second of one job at a time. A job waited ${s(p.concurrent.queueWait.p50)} (p50; p95 ${s(p.concurrent.queueWait.p95)}) from upload to being claimed, then took ${s(p.concurrent.service.p50)} (p50) from claim to finish (the job's own \`startedAt\`/\`finishedAt\`). CPU meanwhile, in cores: model container ${p.concurrent.cpu.model.toFixed(2)}, the stack process (API, worker, local S3, dynalite) ${p.concurrent.cpu.stack.toFixed(2)}, other processes on the machine ${p.concurrent.cpu.others.toFixed(2)}, of ${m.cores}.`,
      "",
      `Where one job's ${s(total)} go (median of ${p.single.jobs.length} jobs run alone, so every call belongs to that job; the parts are medians, so they add up to about the total):`,
      "",
      breakdownTable(p.single.breakdown, total),
      chart(
        "pipeline-breakdown.png",
        "Stacked parts of one job's time against the model-only time",
      ),
    );
  }

  if (api) {
    const row = (r: typeof api.post) =>
      `| \`${r.route}\` | ${Math.round(r.requestsPerSecond).toLocaleString("en-US")} | ${r.latencyMs.p50} ms | ${r.latencyMs.p99} ms | ${r.requests.toLocaleString("en-US")} | ${r.non2xx} | ${r.cpuMsPerRequest.toFixed(1)} ms (≈ ${Math.round(1000 / r.cpuMsPerRequest).toLocaleString("en-US")}/s per core) | ${pct(r.eventLoopUtilization)} | ${r.database.callsPerRequest.toFixed(1)} × ${r.database.p50Ms.toFixed(1)} ms |`;
    push(
      "## 3. API",
      "",
      `autocannon in its own process, ${api.post.connections} connections for ${api.post.durationS} s per route, on loopback through the same front (API Gateway adapter) the browser uses. \`POST\` requests carry no cookie, so each one is a first visit that also creates its owner (one owner would meet the open-jobs cap after a few jobs); \`GET\` reads a finished job with its owner's cookie (its answer carries presigned links to the input and the variation).`,
      "",
      "| route | req/s | p50 | p99 | requests | non-2xx | stack CPU per request | API event loop busy | DynamoDB calls per request × p50 |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      row(api.post),
      row(api.get),
      "",
      `Where the stack process's CPU went under \`POST\` load (V8 sampling profiler, a separate ${api.postProfile.durationS} s run, share of busy samples by where the code comes from): ${api.postProfile.shares
        .slice(0, 8)
        .map((c) => `${c.name} ${pct(c.share)}`)
        .join(", ")}.`,
      "",
      `The bench sets ${Object.entries(api.env)
        .map(([k, v]) => `\`${k}=${v}\``)
        .join(
          ", ",
        )} for the whole run, so that the per-address rate limits (which exist to stop one address from flooding ArtAI, and which every request here shares, all coming from 127.0.0.1) do not turn the load into 429s. The limiter itself still runs: every request still spends a token in its DynamoDB bucket, so its cost is part of the figures. Any non-2xx answers are counted above.`,
      "",
    );
  }

  const web = results.web;
  if (web) {
    push(
      "## 4. Web",
      "",
      `Production build (\`next build\` + \`next start\`), served through the local front.`,
      "",
      web.firstLoadJs
        ? `- First-load JavaScript of the upload page (\`${web.route}\`), measured by the web package's own script (\`pnpm --filter @artai/web measure\`): **${kb(web.firstLoadJs.gzipBytes)} gzip** (${kb(web.firstLoadJs.rawBytes)} raw) in ${web.firstLoadJs.chunks} chunks; its budget is ${kb(web.firstLoadJs.budgetBytes)}.`
        : `- The web package's first-load script (\`pnpm --filter @artai/web measure\`) gave no figure: "${(
            web.firstLoadJsError ?? "unknown error"
          )
            .replace(/^could not read the first-load measurement: /, "")
            .replace(/\/[^ ]*\/packages\//g, "packages/")
            .replace(
              /\.$/,
              "",
            )}". It reads the prerendered HTML of the page from \`.next\`, and the page is now rendered per request (for its CSP nonce), so the figure below, counted in the browser, stands in for it.`,
      web.browserJs
        ? `- JavaScript a cold visit to the upload page really downloads (every same-origin script until the network is idle, in headless Chromium, each gzipped as the web package's script does): **${kb(web.browserJs.gzipBytes)} gzip** (${kb(web.browserJs.rawBytes)} raw) in ${web.browserJs.chunks} scripts.`
        : "",
      web.interactive && web.firstContentfulPaint
        ? `- Time to an interactive upload control in headless Chromium ${web.chromium} (navigation start → the file input is hydrated and enabled), ${web.interactive.n} cold-cache loads: **p50 ${ms(web.interactive.p50)}**, p95 ${ms(web.interactive.p95)}. First contentful paint p50 ${ms(web.firstContentfulPaint.p50)}. Choosing a file on it showed the preview: ${web.controlWorks ? "yes" : "**no**"}.`
        : `- Time to an interactive upload control: not measured, ${web.browserSkipped ?? "no browser"}.`,
      "",
    );
  }

  if (results.webSkipped)
    push("## 4. Web", "", `Not measured in this run: ${results.webSkipped}.`, "");

  const g = results.growth;
  if (g) {
    push(
      "## 5. Growth",
      "",
      `Jobs run alone, upload complete → job seen succeeded, median of ${g.bySize.points[0]?.jobs.length ?? 0} per point. Photos are made offline from the repository's 512 px sample (mosaics of re-toned copies for the larger sizes), saved as JPEG quality 85. The model works at most at 1024 px on the long side, so inputs beyond about 1 MP cost the model the same and only the transfer and the decoding grow.`,
      "",
      "| upload | JPEG | job time | of which model compute | object store | worker codecs |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
      ...g.bySize.points.map(
        (pt) =>
          `| ${pt.label} | ${(pt.uploadBytes / 1e6).toFixed(2)} MB | ${s(pt.medianMs)} | ${s(pt.breakdown.modelComputeMs)} | ${ms(pt.breakdown.objectStoreMs)} | ${ms(pt.breakdown.workerCodecsMs)} |`,
      ),
      chart("growth-size.png", "Job time by part for uploads of 0.25, 1, 4 and 12 megapixels"),
      "",
      "| variations | job time | of which model compute | ratio to 1 variation |",
      "| ---: | ---: | ---: | ---: |",
      ...g.byVariations.points.map(
        (pt) =>
          `| ${pt.x} | ${s(pt.medianMs)} | ${s(pt.breakdown.modelComputeMs)} | ${x(pt.medianMs / (g.byVariations.points[0]?.medianMs ?? Number.NaN))} |`,
      ),
      chart(
        "growth-variations.png",
        "Job time by part for 1 to 4 variations, with the model-only time",
      ),
    );
  }

  // Bottlenecks for every missed target, named from what was measured.
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
      `- **API (${Math.round(api.post.requestsPerSecond)} req/s, p99 ${api.post.latencyMs.p99} ms).** The process that serves the API was busy ${pct(api.post.eventLoopUtilization)} of the time and spent ${api.post.cpuMsPerRequest.toFixed(1)} ms of CPU per POST, so even a whole free core would serve about ${Math.round(1000 / api.post.cpuMsPerRequest)} POSTs a second: locally one Node event loop runs the API handler, the local S3, dynalite (DynamoDB on LevelDB) and the worker. Each POST made ${api.post.database.callsPerRequest.toFixed(1)} DynamoDB calls (the rate-limit token and the job${api.post.database.callsPerRequest >= 2.5 ? ", and the open-jobs count" : ""}) of ${api.post.database.p50Ms.toFixed(1)} ms each (p50, mostly waiting behind other requests in the same event loop), and signs a POST policy. The profiler puts the largest shares of that CPU in ${api.postProfile.shares
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
  push("## Bottlenecks", "");
  push(...(notes.length > 0 ? notes : ["Every target was met in this run."]), "");

  push(
    "## Running it",
    "",
    "```sh",
    "pnpm bench                 # the full run, under 10 minutes on 2 cores; rewrites this file",
    "pnpm bench --quick         # fewer samples, to try the bench itself",
    "pnpm bench --only model,api --out /tmp/bench",
    "```",
    "",
    `Time per part in this run: ${Object.entries(results.partDurationsS)
      .map(([k, v]) => `${k} ${v} s`)
      .join(", ")}.`,
    "",
  );
  writeFileSync(
    out.path,
    `${lines.filter((l, i, a) => !(l === "" && a[i - 1] === "")).join("\n")}`,
  );
}

/** What the other processes on the machine took while ArtAI's concurrency was measured. */
function othersNote(results: Results): string {
  const seen = [
    results.model ? results.model.concurrent.cpu.others : undefined,
    results.pipeline ? results.pipeline.concurrent.cpu.others : undefined,
  ].filter((n): n is number => n !== undefined && Number.isFinite(n));
  if (seen.length === 0) return "";
  const most = Math.max(...seen);
  return most > 0.2
    ? `While both cores were meant to be ArtAI's (the concurrency measurements), other processes took up to ${most.toFixed(2)} cores, so absolute times are slower than on an idle machine; the ratios, taken from samples measured in turns, are the figures to trust.`
    : `While both cores were meant to be ArtAI's (the concurrency measurements), other processes took at most ${most.toFixed(2)} cores, so this run was close to having the machine to itself.`;
}

/** Share of the API's CPU spent on DynamoDB round trips inside one process (SDK, dynalite, HTTP). */
function emulation(shares: { name: string; share: number }[]): number {
  return shares
    .filter((c) => /AWS SDK|dynalite|Node\.js internals|native code/.test(c.name))
    .reduce((a, c) => a + c.share, 0);
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}
