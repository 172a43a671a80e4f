/** The report's number formats and the names of a job's parts, shared by its sections. */
import { WAIT_POLL_MS } from "@artai/core/contract";
import type { Breakdown } from "./jobs.ts";
import type { Summary } from "./stats.ts";

export const ms = (n: number) =>
  Number.isFinite(n) ? `${Math.round(n).toLocaleString("en-US")} ms` : "–";
export const s = (n: number) => (Number.isFinite(n) ? `${(n / 1000).toFixed(2)} s` : "–");
export const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : "–");
export const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
export const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
export const pct = (n: number) => `${Math.round(n * 100)}%`;
export const p50p95 = (sum: Summary) => `${s(sum.p50)} / ${s(sum.p95)}`;

export const PART_NAMES: Record<keyof Breakdown, string> = {
  queueMs: "S3 event + queue (upload complete → the worker function's first call)",
  databaseMs: "database (the worker's DynamoDB calls)",
  objectStoreMs: "object store (the worker's S3 calls: read the upload, write the variations)",
  workerCodecsMs:
    "worker code between its calls (check and re-encode the upload, base64, the handler itself)",
  modelCodecsMs:
    "model codecs (decode, WebP encodes not hidden behind the generator; inside the SageMaker call)",
  modelComputeMs: "model compute (the generator; inside the SageMaker call)",
  modelTransportMs:
    "model transport (the rest of the SageMaker call: HTTP hops through the SageMaker front and the bench's recording pass-through, base64 JSON both ways)",
  visibilityMs: "until the client sees it (the worker's last call → the long poll answers)",
};

/** What would shrink each part, for the bottleneck notes. */
export const REMEDY: Record<keyof Breakdown, string> = {
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
  visibilityMs: `the API's long poll re-reads the job every ${WAIT_POLL_MS} ms; waking the waiting request on the job's change (a stream or a notification) instead of polling would remove most of it`,
};

/** The sum of a breakdown's parts. */
export const partsSum = (b: Breakdown) =>
  (Object.keys(PART_NAMES) as (keyof Breakdown)[]).reduce((a, k) => a + b[k], 0);

export function breakdownTable(b: Breakdown, total: number): string {
  const rows = (Object.keys(PART_NAMES) as (keyof Breakdown)[]).map(
    (k) => `| ${PART_NAMES[k]} | ${ms(b[k])} | ${pct(b[k] / total)} |`,
  );
  return [
    "| part | median | share of the end-to-end median |",
    "| --- | ---: | ---: |",
    ...rows,
    `| **sum of the parts' medians** (end-to-end median ${ms(total)}) | ${ms(partsSum(b))} | ${pct(partsSum(b) / total)} |`,
  ].join("\n");
}

export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}
