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
import { type Span, Trace, unionMs } from "./trace.ts";

/** Milliseconds since the epoch, with performance.now()'s resolution. */
export const now = () => performance.timeOrigin + performance.now();
const toEpoch = (perf: number) => performance.timeOrigin + perf;

export interface Breakdown {
  /** Upload complete → the worker's first call: the S3 event, the queue and its poll. */
  queueMs: number;
  /** The worker's DynamoDB calls (read, claim, finish). */
  databaseMs: number;
  /** The worker's S3 calls (read the upload, write the variations; concurrent writes count once). */
  objectStoreMs: number;
  /** The worker's own time between calls: checking and re-encoding the upload (codecs), base64. */
  workerCodecsMs: number;
  /** Inside the model container: the generator itself. */
  modelComputeMs: number;
  /** Inside the model container: decoding the input and the WebP encodes not hidden behind the generator. */
  modelCodecsMs: number;
  /** InvokeEndpoint minus the container's own time: HTTP hops and the base64 JSON both ways. */
  modelTransportMs: number;
  /** The job finished → the client's long poll saw it. */
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

  const item = await Trace.as("bench", () => Job.get(id));
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
  if (options.alone) sample.breakdown = explain(ctx, uploaded, seen);
  return sample;
}

function explain(ctx: JobContext, uploaded: number, seen: number): Breakdown | undefined {
  const spans = ctx.trace
    .between(uploaded, seen, "worker")
    .filter((s) => s.target === "s3" || s.target === "dynamodb" || s.target === "sagemaker");
  if (spans.length === 0) return undefined;
  const first = Math.min(...spans.map((s) => s.start));
  const last = Math.max(...spans.map((s) => s.end));
  const of = (target: Span["target"]) => spans.filter((s) => s.target === target);
  const duration = (list: Span[]) => list.reduce((a, s) => a + (s.end - s.start), 0);
  const invokeMs = duration(of("sagemaker"));
  const timings = ctx.invocations
    .filter((i) => i.start >= uploaded && i.end <= seen && i.timings)
    .map((i) => i.timings as NonNullable<Invocation["timings"]>);
  const sum = (key: keyof NonNullable<Invocation["timings"]>) =>
    timings.reduce((a, t) => a + t[key], 0);
  const containerMs = sum("totalMs");
  const modelComputeMs = sum("modelMs");
  return {
    queueMs: first - uploaded,
    databaseMs: duration(of("dynamodb")),
    objectStoreMs: unionMs(of("s3")),
    workerCodecsMs: Math.max(0, last - first - unionMs(spans)),
    modelComputeMs,
    modelCodecsMs: Math.max(0, containerMs - modelComputeMs),
    modelTransportMs: Math.max(0, invokeMs - containerMs),
    visibilityMs: seen - last,
  };
}
