/**
 * `pnpm bench`: starts its own local stack (temporary data, free ports, the web app in production
 * mode), measures the model, the pipeline, the API, the web app and how job time grows, and writes
 * docs/benchmarks.md, docs/benchmarks/results.json (every raw sample, with the machine's facts) and
 * the charts. Every comparison is a ratio of two figures taken in this same run.
 *
 *   pnpm bench                       # everything (under 10 minutes on 2 cores)
 *   pnpm bench --quick               # fewer samples, for trying the bench itself
 *   pnpm bench --only model,api      # some parts only
 *   pnpm bench --out /tmp/bench      # write somewhere other than docs/
 *   pnpm bench --from results.json   # only redraw the charts and rewrite the report
 */
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Browser } from "@artai/local/client";
import { startModel } from "@artai/local/model";
import { REPO_ROOT, startStack } from "@artai/local/stack";
import { resolveThreads } from "@artai/model/server";
import { type ApiResults, benchApi } from "./api.ts";
import { runNode } from "./children.ts";
import { benchGrowth, type GrowthResults } from "./growth.ts";
import { runJob } from "./jobs.ts";
import { benchModel, type ModelResults } from "./model.ts";
import { startModelProxy } from "./model-proxy.ts";
import { makePhoto } from "./photos.ts";
import { benchPipeline, type PipelineResults } from "./pipeline.ts";
import { writeReport } from "./report.ts";
import { Budget, load, machine, round } from "./stats.ts";
import { TRACE_INSTRUMENT, Trace } from "./trace.ts";
import { benchWeb, type WebResults } from "./web.ts";

const PARTS = ["model", "pipeline", "api", "web", "growth"] as const;
/**
 * Seconds each sampling part may take beyond its minimum samples, so that the whole run (with the
 * web build, the 2×15 s API load and the web visits) stays under 10 minutes on 2 busy cores.
 */
const BUDGET_S = { model: 110, pipeline: 110, growth: 100 };
type Part = (typeof PARTS)[number];

export interface Results {
  command: string;
  quick: boolean;
  machine: ReturnType<typeof machine>;
  /** One-minute load average sampled every 5 s, by part: the machine is shared, so this says how noisy the figures are. */
  load: { atMs: number; part: string; load1: number }[];
  durationS: number;
  partDurationsS: Record<string, number>;
  /** Environment the bench set for the stack, and why. */
  env: Record<string, string>;
  model?: ModelResults;
  pipeline?: PipelineResults;
  api?: ApiResults;
  web?: WebResults;
  /** Parts that failed, with the error; the others are still reported. */
  failures: Record<string, string>;
  /** Why the web part was not measured, when it was asked for but could not run. */
  webSkipped?: string;
  growth?: GrowthResults;
}

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    out: { type: "string" },
    from: { type: "string" },
  },
});
const quick = args.quick ?? false;
const only = new Set<Part>(
  args.only ? (args.only.split(",").map((s) => s.trim()) as Part[]) : PARTS,
);
for (const part of only) {
  if (!PARTS.includes(part)) throw new Error(`unknown part "${part}" (${PARTS.join(", ")})`);
}
const outDir = args.out ?? join(REPO_ROOT, "docs");
const assetsDir = join(outDir, "benchmarks");
mkdirSync(assetsDir, { recursive: true });

/** Draws the charts from results.json and writes the report next to it. */
async function publish(results: Results, beforeReport: () => void = () => {}) {
  const jsonPath = join(assetsDir, "results.json");
  progress("drawing the charts…");
  const charts = await runNode(new URL("./charts.ts", import.meta.url).pathname, [
    jsonPath,
    assetsDir,
  ]);
  if (charts.code !== 0) throw new Error(`charts failed: ${charts.stderr.slice(-2000)}`);
  const chartFiles = charts.stdout
    .split("\n")
    .filter((l) => l.startsWith("CHART "))
    .map((l) => l.slice(6));
  beforeReport();
  const reportPath = join(outDir, "benchmarks.md");
  writeReport(results, { path: reportPath, charts: chartFiles, assetsDir });
  progress(`wrote ${relative(process.cwd(), reportPath)} and ${chartFiles.length} charts`);
}

const started = performance.now();
const stamp = () => {
  const s = Math.round((performance.now() - started) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
};
const progress = (line: string) => process.stdout.write(`[bench ${stamp()}] ${line}\n`);

// `--from`: redraw the charts and rewrite the report from a results.json already taken.
if (args.from) {
  // JSON writes a figure that could not be measured (NaN) as null; read it back as NaN, which the
  // report prints as "–" (no field of Results is null otherwise).
  const results = JSON.parse(readFileSync(args.from, "utf8"), (_key, value) =>
    value === null ? Number.NaN : value,
  ) as Results;
  const target = join(assetsDir, "results.json");
  if (resolve(args.from) !== resolve(target)) writeFileSync(target, readFileSync(args.from));
  await publish(results);
  process.exit(0);
}

const dataDir = mkdtempSync(join(tmpdir(), "artai-bench-"));
const logFile = join(dataDir, "stack.log");
const logs = createWriteStream(logFile);
logs.on("error", () => {});
// The handlers' structured JSON logs go to a file, so the progress lines stay readable.
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (c: string | Uint8Array, ...r: unknown[]) => boolean;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    if (text.startsWith("{")) return logs.write(text);
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

// Per-address rate limits exist to stop abuse from one address; the bench sends thousands of
// requests from one address on purpose, so it raises them (and the report says so).
const env: Record<string, string> = {
  ARTAI_LIMIT_CREATES_PER_MINUTE: "1000000000",
  ARTAI_LIMIT_READS_PER_MINUTE: "1000000000",
};
Object.assign(process.env, env);

const results: Results = {
  command: `pnpm bench${quick ? " --quick" : ""}${args.only ? ` --only ${args.only}` : ""}`,
  quick,
  machine: machine(),
  load: [],
  durationS: 0,
  partDurationsS: {},
  failures: {},
  env,
};
let currentPart = "start";
// Closing the stack while a handler still has a DynamoDB call in flight makes dynalite throw
// "Database is closed" from a callback; that is harmless once the measurements are over.
process.on("uncaughtException", (error) => {
  if (currentPart === "stop") return;
  console.error(error);
  process.exit(1);
});
const loadTimer = setInterval(() => {
  results.load.push({
    atMs: Math.round(performance.now() - started),
    part: currentPart,
    load1: load()[0] ?? 0,
  });
}, 5000);

progress(
  `machine: ${results.machine.cores} cores (${results.machine.cpuModel}), Node ${results.machine.node}, load ${results.machine.loadAverageAtStart.join(" ")}`,
);
progress(`data in ${dataDir}; stack logs in ${logFile}`);

const needsWeb = only.has("web");
progress("starting the model container…");
const model = await startModel({ log: (line) => logs.write(`[model] ${line}\n`) });
const modelPid = model.child.pid ?? 0;
const proxy = await startModelProxy(model.url);
progress(
  needsWeb
    ? "starting the local stack (the web app is built in production mode; this takes a while)…"
    : "starting the local stack…",
);
const launch = (web: boolean) =>
  startStack({
    dataDir,
    port: 0,
    web: web ? "production" : "none",
    modelUrl: proxy.url,
    sweepIntervalMs: 0,
    // The functions' calls are seen from inside their own threads (trace-thread.ts).
    lambdaInstrument: [TRACE_INSTRUMENT],
    log: (component, line) => logs.write(`[${component}] ${line}\n`),
  });
let webSkipped: string | undefined;
async function launchWithWeb(): Promise<Awaited<ReturnType<typeof launch>>> {
  if (!needsWeb) return launch(false);
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(true);
    } catch (error) {
      // Someone else's `next build` in the same checkout makes ours refuse to start: wait a little.
      if (attempt < 3) {
        progress(`the web build failed (${String(error).slice(0, 120)}); trying again in 20 s…`);
        await new Promise((r) => setTimeout(r, 20_000));
        continue;
      }
      // A web app that cannot build must not cost the other measurements; the report says so.
      webSkipped = `the web app did not build or start (${String(error).slice(0, 200)}); see ${logFile}`;
      progress(`${webSkipped}; going on without it`);
      return launch(false);
    }
  }
}
const stack = await launchWithWeb();
results.partDurationsS.start = round((performance.now() - started) / 1000, 1);
progress(`stack up at ${stack.url} after ${results.partDurationsS.start} s`);

const trace = new Trace({
  apiPort: Number(new URL(stack.url).port),
  targets: {
    [stack.endpoints.s3]: "s3",
    [stack.endpoints.dynamodb]: "dynamodb",
    [stack.endpoints.sagemaker]: "sagemaker",
    [stack.endpoints.sqs]: "sqs",
    [proxy.url]: "model",
  },
});
const ctx = { base: stack.url, trace, invocations: proxy.invocations };
const photo512 = await makePhoto(512, 512, "512×512 photo");
// The container's default workers and intra-op threads on this machine.
const { workers, threads } = resolveThreads(results.machine.cores);

async function part<T>(name: Part, fn: () => Promise<T>): Promise<T | undefined> {
  if (!only.has(name)) return undefined;
  currentPart = name;
  const t0 = performance.now();
  progress(`— ${name} —`);
  try {
    return await fn();
  } catch (error) {
    // One part failing (on a shared checkout, say) must not lose the others' figures.
    results.failures[name] = error instanceof Error ? error.message : String(error);
    progress(`${name} FAILED: ${results.failures[name]}`);
    return undefined;
  } finally {
    results.partDurationsS[name] = round((performance.now() - t0) / 1000, 1);
    progress(`${name} done in ${results.partDurationsS[name]} s (load ${load().join(" ")})`);
  }
}

let failure: unknown;
try {
  // The web app first, right after its build: the checkout's .next is shared, and someone else's
  // build could replace it later in the run.
  if (webSkipped) results.webSkipped = webSkipped;
  else {
    results.web = await part("web", () =>
      benchWeb({ base: stack.url, runs: quick ? 3 : 7, photo: photo512.bytes, progress }),
    );
  }
  results.model = await part("model", () =>
    benchModel({
      modelUrl: model.url,
      modelPid,
      workers,
      threads,
      dir: dataDir,
      reps: quick ? { min: 3, max: 3 } : { min: 3, max: 10 },
      budget: new Budget(quick ? 40 : BUDGET_S.model),
      progress,
    }),
  );
  results.pipeline = await part("pipeline", async () =>
    benchPipeline({
      ctx,
      photo: photo512,
      dir: dataDir,
      modelPid,
      containerFourAt512Ms: results.model?.fourAt512Ms ?? [],
      singleRuns: quick ? { min: 3, max: 3 } : { min: 3, max: 8 },
      budget: new Budget(quick ? 30 : BUDGET_S.pipeline),
      concurrentJobs: 8,
      concurrentRounds: 1,
      progress,
    }),
  );
  results.growth = await part("growth", () =>
    benchGrowth({
      ctx,
      photo512,
      megapixels: [0.25, 1, 4, 12],
      sizeVariations: 1,
      reps: quick ? { min: 1, max: 1 } : { min: 2, max: 4 },
      budget: new Budget(quick ? 20 : BUDGET_S.growth),
      progress,
    }),
  );
  results.api = await part("api", async () => {
    const owner = new Browser(stack.url);
    const job = await runJob(ctx, photo512, {
      variations: 1,
      seed: 5,
      alone: false,
      client: owner,
    });
    return benchApi({
      base: stack.url,
      job: { id: job.id, cookie: owner.cookie ?? "" },
      connections: 50,
      durationS: quick ? 5 : 15,
      env,
      trace,
      progress,
    });
  });
} catch (error) {
  failure = error;
} finally {
  currentPart = "stop";
  clearInterval(loadTimer);
  trace.close();
  await stack.close();
  await proxy.close();
  await model.stop();
}

if (failure) {
  console.error("the bench failed:", failure);
  process.exit(1);
}
results.durationS = round((performance.now() - started) / 1000, 1);
const jsonPath = join(assetsDir, "results.json");
writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
progress(`wrote ${relative(process.cwd(), jsonPath)}`);
await publish(results, () => {
  results.durationS = round((performance.now() - started) / 1000, 1);
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
});
progress(`total ${results.durationS} s`);
logs.end();
rmSync(join(dataDir, "s3"), { recursive: true, force: true });
process.exit(Object.keys(results.failures).length > 0 ? 1 : 0);
