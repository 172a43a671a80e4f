/**
 * Part 3, the API: autocannon (in its own process, so the load generator does not share the API's
 * event loop) against `POST /api/jobs` and `GET /api/jobs/{id}` on loopback.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { runProcess } from "./children.ts";
import { type CpuShare, profileCpu } from "./profile.ts";
import { summarize } from "./stats.ts";
import { busyShare, type Trace } from "./trace.ts";

export interface LoadResult {
  route: string;
  connections: number;
  durationS: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /**
   * CPU time the stack's process (all its threads: the API handler, dynalite, local S3) spent per request. Unlike the
   * latency on a shared machine, this hardly depends on what else runs: 1000 ÷ this is about the
   * requests per second one free core could serve.
   */
  cpuMsPerRequest: number;
  /** Share of the time the api function's thread's event loop was busy (1 = saturated). */
  eventLoopUtilization: number;
  /** The same for the stack's main thread: the front, the API Gateway adapter, dynalite, the local S3. */
  stackEventLoopUtilization: number;
  /** DynamoDB calls the API made per request, and their median duration (ms). */
  database: { callsPerRequest: number; p50Ms: number; msPerRequest: number };
  /** Presigned-URL and other S3 calls over HTTP per request (signing itself makes none). */
  objectStoreCallsPerRequest: number;
}

export interface ApiResults {
  post: LoadResult;
  /** Where the stack process's CPU went during a separate, shorter POST load under the V8 profiler. */
  postProfile: { durationS: number; shares: CpuShare[] };
  get: LoadResult;
  /** Environment the bench set for the API (rate limits raised so they do not cap the bench). */
  env: Record<string, string>;
}

const require = createRequire(import.meta.url);
const autocannonBin = () =>
  join(dirname(require.resolve("autocannon/package.json")), "autocannon.js");

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  statusCodeStats?: Record<string, { count: number }>;
  "2xx"?: number;
}

async function load(input: {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  connections: number;
  durationS: number;
}): Promise<AutocannonJson> {
  const args = [
    autocannonBin(),
    "-j",
    "-c",
    String(input.connections),
    "-d",
    String(input.durationS),
    "-m",
    input.method,
  ];
  for (const [k, v] of Object.entries(input.headers)) args.push("-H", `${k}=${v}`);
  if (input.body) args.push("-b", input.body);
  args.push(input.url);
  const { code, stdout, stderr } = await runProcess(process.execPath, args);
  try {
    return JSON.parse(stdout) as AutocannonJson;
  } catch {
    throw new Error(`autocannon exited ${code}: ${stderr.slice(-1000)}`);
  }
}

async function measured(
  trace: Trace,
  route: string,
  connections: number,
  run: () => Promise<AutocannonJson>,
): Promise<LoadResult> {
  const elu0 = performance.eventLoopUtilization();
  const api0 = await trace.eventLoop("api");
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await run();
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0).utilization;
  const api1 = await trace.eventLoop("api");
  // Requests autocannon gave up on may still be in the API; let them finish before going on.
  await trace.apiIdle();
  const spans = trace.between(t0, t1, "api").filter((s) => Number.isFinite(s.end));
  const db = spans.filter((s) => s.target === "dynamodb").map((s) => s.end - s.start);
  const requests = Math.max(1, r.requests.total);
  return {
    ...summary(route, connections, r),
    cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / requests,
    eventLoopUtilization: busyShare(api0, api1),
    stackEventLoopUtilization: elu,
    database: {
      callsPerRequest: db.length / requests,
      p50Ms: summarize(db).p50,
      msPerRequest: db.reduce((a, b) => a + b, 0) / requests,
    },
    objectStoreCallsPerRequest: spans.filter((s) => s.target === "s3").length / requests,
  };
}

function summary(
  route: string,
  connections: number,
  r: AutocannonJson,
): Omit<
  LoadResult,
  | "cpuMsPerRequest"
  | "eventLoopUtilization"
  | "stackEventLoopUtilization"
  | "database"
  | "objectStoreCallsPerRequest"
> {
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(r.statusCodeStats ?? {}))
    statusCodes[code] = stat.count;
  return {
    route,
    connections,
    durationS: r.duration,
    requests: r.requests.total,
    requestsPerSecond: r.requests.average,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
  };
}

export async function benchApi(input: {
  base: string;
  /** A finished job and its owner's cookie, for the GET. */
  job: { id: string; cookie: string };
  connections: number;
  durationS: number;
  env: Record<string, string>;
  trace: Trace;
  progress: (line: string) => void;
}): Promise<ApiResults> {
  const { base, progress } = input;
  // POSTs carry no cookie: each is a first visit that also creates its owner, so the open-jobs
  // cap (per owner) never applies; one owner would hit it after a few jobs.
  const postJobs = (durationS: number) =>
    load({
      url: `${base}/api/jobs`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contentType: "image/jpeg", size: 250_000, variations: 4 }),
      connections: input.connections,
      durationS,
    });
  progress(`api: POST /api/jobs, ${input.connections} connections for ${input.durationS} s…`);
  const post = await measured(input.trace, "POST /api/jobs", input.connections, () =>
    postJobs(input.durationS),
  );
  progress(
    `api: POST ${Math.round(post.requestsPerSecond)} req/s, p50 ${post.latencyMs.p50} ms, p99 ${post.latencyMs.p99} ms, non-2xx ${post.non2xx}`,
  );
  // A separate, shorter run under the profiler (sampling slows the process a little, so these
  // figures are not the ones reported above).
  const profileS = Math.max(3, Math.round(input.durationS / 3));
  progress(`api: POST /api/jobs again for ${profileS} s under the CPU profiler…`);
  const postProfile = await profileCpu(() => postJobs(profileS));
  await input.trace.apiIdle();
  progress(
    `api: POST CPU by origin: ${postProfile.shares
      .slice(0, 5)
      .map((c) => `${c.name} ${Math.round(c.share * 100)}%`)
      .join(", ")}`,
  );
  progress(`api: GET /api/jobs/{id}, ${input.connections} connections for ${input.durationS} s…`);
  const get = await measured(input.trace, "GET /api/jobs/{id}", input.connections, () =>
    load({
      url: `${base}/api/jobs/${input.job.id}`,
      method: "GET",
      headers: { cookie: input.job.cookie },
      connections: input.connections,
      durationS: input.durationS,
    }),
  );
  progress(
    `api: GET ${Math.round(get.requestsPerSecond)} req/s, p50 ${get.latencyMs.p50} ms, p99 ${get.latencyMs.p99} ms, non-2xx ${get.non2xx}`,
  );
  return {
    post,
    postProfile: { durationS: profileS, shares: postProfile.shares.slice(0, 12) },
    get,
    env: input.env,
  };
}
