/** The report's sections, one per part of the bench: each a table of its figures and a few notes. */
import { breakdownTable, kb, mb, median, ms, p50p95, pct, s, x } from "./report-format.ts";
import type { Results } from "./run.ts";
import { summarize } from "./stats.ts";

/** A chart's Markdown if the run drew it, else nothing. */
export type Chart = (file: string, alt: string) => string;

/** Every part's section, in the bench's order; a part that did not run has none. */
export function sections(results: Results, chart: Chart): string[] {
  return [modelSection, pipelineSection, apiSection, webSection, growthSection].flatMap((section) =>
    section(results, chart),
  );
}

/** Part 1: the container against the bare TF.js and ONNX baselines. */
function modelSection(results: Results, chart: Chart): string[] {
  const m = results.machine;
  const model = results.model;
  if (!model) return [];
  return [
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
  ];
}

/** Part 2: one job and several at once, end to end, and where one job's time goes. */
function pipelineSection(results: Results, chart: Chart): string[] {
  const m = results.machine;
  const p = results.pipeline;
  if (!p) return [];
  const total = p.single.succeeded.p50;
  const fvEqual = p.single.jobs.every((j) => Math.abs(j.firstVisibleMs - j.succeededMs) < 1);
  return [
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
    `Where one job's ${s(total)} go (median of ${p.single.jobs.length} jobs run alone, so every call belongs to that job). The calls are seen from inside each function's own thread; the worker's busy time is split so that a moment with several of its calls in flight counts once (for the SageMaker call first, then S3, then DynamoDB), and the three model rows are the SageMaker call's time, split by the container's own timings. Each job's parts add up to its own end-to-end time exactly; the table gives each part's median, and those add up to about the median total:`,
    "",
    breakdownTable(p.single.breakdown, total),
    chart("pipeline-breakdown.png", "Stacked parts of one job's time against the model-only time"),
  ];
}

/** Part 3: the API under autocannon, and where the stack's CPU went. */
function apiSection(results: Results): string[] {
  const api = results.api;
  if (!api) return [];
  const row = (r: typeof api.post) =>
    `| \`${r.route}\` | ${Math.round(r.requestsPerSecond).toLocaleString("en-US")} | ${r.latencyMs.p50} ms | ${r.latencyMs.p99} ms | ${r.requests.toLocaleString("en-US")} | ${r.non2xx} | ${r.cpuMsPerRequest.toFixed(1)} ms (≈ ${Math.round(1000 / r.cpuMsPerRequest).toLocaleString("en-US")}/s per core) | ${pct(r.eventLoopUtilization)} / ${pct(r.stackEventLoopUtilization)} | ${r.database.callsPerRequest.toFixed(1)} × ${r.database.p50Ms.toFixed(1)} ms |`;
  return [
    "## 3. API",
    "",
    `autocannon in its own process, ${api.post.connections} connections for ${api.post.durationS} s per route, on loopback through the same front (API Gateway adapter) the browser uses. \`POST\` requests carry no cookie, so each one is a first visit that also creates its owner (one owner would meet the open-jobs cap after a few jobs); \`GET\` reads a finished job with its owner's cookie (its answer carries presigned links to the input and the variation).`,
    "",
    "| route | req/s | p50 | p99 | requests | non-2xx | stack CPU per request | event loop busy: api function's thread / stack's main thread | the api function's DynamoDB calls per request × p50 |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    row(api.post),
    row(api.get),
    "",
    `Where the stack's main thread's CPU went under \`POST\` load (the front, the API Gateway adapter, dynalite, the local S3; the api function's own thread is not sampled; V8 sampling profiler, a separate ${api.postProfile.durationS} s run, share of busy samples by where the code comes from): ${api.postProfile.shares
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
  ];
}

/** Part 4: the production build's JavaScript and its time to an interactive upload control. */
function webSection(results: Results): string[] {
  const web = results.web;
  const skipped = results.webSkipped
    ? ["## 4. Web", "", `Not measured in this run: ${results.webSkipped}.`, ""]
    : [];
  if (!web) return skipped;
  return [
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
    ...skipped,
  ];
}

/** Part 5: how one job's time grows with the upload's size and the number of variations. */
function growthSection(results: Results, chart: Chart): string[] {
  const g = results.growth;
  if (!g) return [];
  return [
    "## 5. Growth",
    "",
    `Jobs run alone, upload complete → job seen succeeded, median of ${g.bySize.points[0]?.jobs.length ?? 0} per point. Photos are made offline from the repository's 512 px sample (mosaics of re-toned copies for the larger sizes), saved as JPEG quality 85. The model works at most at 1024 px on the long side, so inputs beyond about 1 MP cost the model the same and only the transfer and the decoding grow.`,
    "",
    "| upload | JPEG | job time | of which model compute | object store | worker code between calls |",
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
  ];
}
