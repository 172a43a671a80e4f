/**
 * Drives one job through the public contract, exactly as a browser would (create, upload with the
 * presigned POST, long-poll the job), and then explains where its time went from three outside
 * sources: the timestamps the job records, the HTTP calls the worker made (see trace.ts), and the
 * `timings` the model reported (see model-proxy.ts).
 */

import type { JobView } from "@artai/core/contract";
import * as Job from "@artai/core/job";
import { Browser, upload } from "@artai/local/client";
import type { Invocation } from "./model-proxy.ts";
import type { Photo } from "./photos.ts";
import { exclusiveMs, type Trace, unionMs } from "./trace.ts";

/** Milliseconds since the epoch, with performance.now()'s resolution. */
export const now = () => performance.timeOrigin + performance.now();
const toEpoch = (perf: number) => performance.timeOrigin + perf;

/**
 * The parts of a lone job's time, from the upload's completion to the client seeing it succeeded;
 * per job they add up to that whole. The worker's calls share its busy time without overlap: a
 * moment with several calls in flight counts once, for the SageMaker call first, then S3, then
 * DynamoDB. The model's three parts are the SageMaker call's time, split.
 */
export interface Breakdown {
  /** Upload complete → the worker's first call: the S3 event, the queue, its poll, the invoke. */
  queueMs: number;
  /** The worker's DynamoDB calls (read, claim, finish) while no S3 or SageMaker call was in flight. */
  databaseMs: number;
  /** The worker's S3 calls (read the upload, write the variations) while no SageMaker call was. */
  objectStoreMs: number;
  /** The worker's busy time outside its calls: checking and re-encoding the upload, base64. */
  workerCodecsMs: number;
  /** Part of the SageMaker call: inside the model container, the generator itself. */
  modelComputeMs: number;
  /** Part of the SageMaker call: the container decoding the input and the WebP encodes not hidden behind the generator. */
  modelCodecsMs: number;
  /** Part of the SageMaker call: the rest of it outside the container (HTTP hops, the base64 JSON both ways). */
  modelTransportMs: number;
  /** The worker's last call ended → the client's long poll saw the job succeeded. */
  visibilityMs: number;
}

export interface JobSample {
  id: string;
  label: string;
  variations: number;
  uploadBytes: number;
  uploadMs: number;
  /** Epoch ms when the upload POST answered 204. */
  uploadedAt: number;
  /** Upload complete → the first variation was visible through GET /api/jobs/{id}. */
  firstVisibleMs: number;
  /** Upload complete → the job was seen `succeeded`. */
  succeededMs: number;
  status: string;
  /** What the job itself recorded, relative to upload complete (ms). */
  record: { createdMs: number; startedMs: number; finishedMs: number };
  /** Only when the job ran alone (otherwise calls cannot be told apart). */
  breakdown?: Breakdown;
}

export interface JobContext {
  base: string;
  trace: Trace;
  invocations: Invocation[];
}

/** Runs one job to its end and measures it. Set `alone` when no other job runs at the same time. */
export async function runJob(
  ctx: JobContext,
  photo: Photo,
  options: { variations: number; seed: number; alone: boolean; client?: Browser },
): Promise<JobSample> {
  const client = options.client ?? new Browser(ctx.base);
  const created = await client.createJob({
    contentType: photo.contentType,
    size: photo.bytes.length,
    variations: options.variations,
    strength: "subtle",
    seed: options.seed,
  });
  if (created.status !== 201 || !created.body.upload) {
    throw new Error(`POST /api/jobs answered ${created.status}: ${JSON.stringify(created.body)}`);
  }
  const id = created.body.job.id;
  const uploadStarted = performance.now();
  const sent = await upload(created.body.upload, photo.bytes, photo.contentType);
  if (sent.status !== 204) throw new Error(`the upload answered ${sent.status}`);
  const uploaded = performance.now();

  let firstVisible = Number.NaN;
  let view: JobView | undefined;
  for (;;) {
    const { status, body } = await client.json<JobView>(`/api/jobs/${id}?wait=20`);
    if (status !== 200) throw new Error(`GET /api/jobs/${id} answered ${status}`);
    view = body;
    if (Number.isNaN(firstVisible) && body.variations.length > 0) {
      firstVisible = performance.now();
    }
    if (body.status === "succeeded" || body.status === "failed") break;
  }
  const seen = performance.now();
  if (view.status !== "succeeded") {
    throw new Error(`job ${id} failed: ${JSON.stringify(view.error)}`);
  }

  const item = await Job.get(id);
  if (!item) throw new Error(`job ${id} vanished`);
  const rel = (iso: string | undefined) => (iso ? Date.parse(iso) - toEpoch(uploaded) : Number.NaN);
  const sample: JobSample = {
    id,
    label: photo.label,
    variations: options.variations,
    uploadBytes: photo.bytes.length,
    uploadMs: uploaded - uploadStarted,
    uploadedAt: toEpoch(uploaded),
    firstVisibleMs: firstVisible - uploaded,
    succeededMs: seen - uploaded,
    status: view.status,
    record: {
      createdMs: rel(item.createdAt as string | undefined),
      startedMs: rel(item.startedAt),
      finishedMs: rel(item.finishedAt),
    },
  };
  if (options.alone) sample.breakdown = await explain(ctx, id, uploaded, seen);
  return sample;
}

/** The worker's calls that have a part of their own, in the order a moment is given to them. */
const CALLS = ["sagemaker", "s3", "dynamodb"] as const;

/**
 * Splits [uploaded, seen] of a lone job into parts that add up to it: the queue until the worker
 * function's first call, the worker's busy time from its first call to its last (its calls, each
 * moment given to one of them, and its own code between them), and the wait until the client saw
 * the result. The SageMaker call is split further by the container's own `timings`. Fails, rather
 * than reporting a silent 0, when the trace did not see the calls every job makes.
 */
async function explain(
  ctx: JobContext,
  id: string,
  uploaded: number,
  seen: number,
): Promise<Breakdown> {
  await ctx.trace.settled("worker", seen);
  const spans = ctx.trace
    .between(uploaded, seen, "worker")
    .filter((s) => (CALLS as readonly string[]).includes(s.target));
  const missing = CALLS.filter((target) => !spans.some((s) => s.target === target));
  if (missing.length > 0) {
    throw new Error(
      `job ${id}: the trace saw no ${missing.join(", ")} call from the worker function, though every job reads its upload, calls the model and records its result; are the functions' threads instrumented (the stack's lambdaInstrument option with TRACE_INSTRUMENT)?`,
    );
  }
  const invocations = ctx.invocations.filter(
    (i) => i.start >= uploaded && i.end <= seen && i.timings,
  );
  if (invocations.length === 0) {
    throw new Error(`job ${id}: the model pass-through recorded no invocation with its timings`);
  }
  const first = Math.min(...spans.map((s) => s.start));
  const last = Math.max(...spans.map((s) => s.end));
  const calls = exclusiveMs(spans, CALLS);
  const sum = (key: keyof NonNullable<Invocation["timings"]>) =>
    invocations.reduce((a, i) => a + (i.timings?.[key] ?? 0), 0);
  const containerMs = sum("totalMs");
  const modelComputeMs = sum("modelMs");
  return {
    queueMs: first - uploaded,
    databaseMs: calls.dynamodb,
    objectStoreMs: calls.s3,
    workerCodecsMs: last - first - unionMs(spans),
    modelComputeMs,
    modelCodecsMs: containerMs - modelComputeMs,
    modelTransportMs: calls.sagemaker - containerMs,
    visibilityMs: seen - last,
  };
}
