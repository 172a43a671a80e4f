import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveInProcess } from "@artai/local/serve-process";
import { CREDENTIALS, REGION } from "@artai/local/stack";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import sharp from "sharp";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const JOBS = env("LOAD_JOBS", 200);
const CONCURRENCY = env("LOAD_CONCURRENCY", 20);
const ADDRESSES = env("LOAD_ADDRESSES", CONCURRENCY);
const VARIATIONS = env("LOAD_VARIATIONS", 1);
const IMAGE_PX = env("LOAD_IMAGE_PX", 128);
const TIMEOUT_MS = env("LOAD_TIMEOUT_S", 600) * 1000;

/** One HTTP exchange from a chosen local address; resolves with status, headers and body. */
function http(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: Buffer | string; from: string },
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: init.method ?? "GET", headers: init.headers, localAddress: init.from },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

/** A multipart POST exactly as a browser sends a presigned-POST upload: fields first, file last. */
async function uploadFile(
  target: { url: string; fields: Record<string, string> },
  bytes: Buffer,
  from: string,
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(target.fields)) form.append(k, v);
  form.append("file", new Blob([bytes], { type: "image/jpeg" }), "photo.jpg");
  const encoded = new Response(form);
  const body = Buffer.from(await encoded.arrayBuffer());
  return http(target.url, {
    method: "POST",
    body,
    headers: { "content-type": encoded.headers.get("content-type") ?? "" },
    from,
  });
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
};
const summary = (values: number[]) => ({
  n: values.length,
  p50: Math.round(percentile(values, 50)),
  p95: Math.round(percentile(values, 95)),
  p99: Math.round(percentile(values, 99)),
  max: Math.round(Math.max(...values)),
});

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "artai-load-"));
  const started = Date.now();
  const { info, child } = await serveInProcess(dataDir);
  const stackReadyMs = Date.now() - started;
  const sqs = new SQSClient({ endpoint: info.sqs, region: REGION, credentials: CREDENTIALS });
  const depth = async (queueUrl: string) => {
    const { Attributes: a = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["All"] }),
    );
    return (
      Number(a.ApproximateNumberOfMessages ?? 0) +
      Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
    );
  };

  const images = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      sharp({
        create: {
          width: IMAGE_PX,
          height: IMAGE_PX,
          channels: 3,
          background: { r: 40 + i * 25, g: 120, b: 200 - i * 20 },
        },
      })
        .composite([
          {
            input: Buffer.from(
              `<svg width="${IMAGE_PX}" height="${IMAGE_PX}"><circle cx="${IMAGE_PX / 2}" cy="${IMAGE_PX / 2}" r="${IMAGE_PX / 3}" fill="#f4c542"/></svg>`,
            ),
          },
        ])
        .jpeg({ quality: 85 })
        .toBuffer(),
    ),
  );

  const api: number[] = [];
  const uploads: number[] = [];
  const whole: number[] = [];
  const outcome = { created: 0, limited: 0, succeeded: 0, failed: 0, errors: 0, lost: 0 };
  const failures: string[] = [];
  let next = 0;
  const deadline = Date.now() + TIMEOUT_MS;

  const user = async (u: number) => {
    const from = `127.0.${Math.floor((u % ADDRESSES) / 250) + 1}.${((u % ADDRESSES) % 250) + 1}`;
    let cookie: string | undefined;
    const call = async (path: string, init: { method?: string; body?: string } = {}) => {
      const t = performance.now();
      const res = await http(new URL(path, info.url).toString(), {
        ...init,
        headers: {
          ...(init.body ? { "content-type": "application/json" } : {}),
          ...(cookie ? { cookie } : {}),
        },
        from,
      });
      const ms = performance.now() - t;
      const set = res.headers["set-cookie"];
      if (set?.[0]) cookie = set[0].split(";")[0];
      return { ...res, ms, json: () => JSON.parse(res.body.toString() || "null") };
    };
    while (next < JOBS && Date.now() < deadline) {
      const n = next++;
      const image = images[n % images.length] as Buffer;
      const t0 = performance.now();
      try {
        const created = await call("/api/jobs", {
          method: "POST",
          body: JSON.stringify({
            contentType: "image/jpeg",
            size: image.length,
            variations: VARIATIONS,
            seed: n,
          }),
        });
        api.push(created.ms);
        if (created.status === 429) {
          outcome.limited++;
          continue;
        }
        if (created.status !== 201) throw new Error(`create answered ${created.status}`);
        outcome.created++;
        const { job, upload } = created.json() as {
          job: { id: string };
          upload: { url: string; fields: Record<string, string> };
        };
        const tu = performance.now();
        const sent = await uploadFile(upload, image, from);
        uploads.push(performance.now() - tu);
        if (sent.status !== 204) throw new Error(`upload answered ${sent.status}`);
        let status = "queued";
        while (status !== "succeeded" && status !== "failed") {
          if (Date.now() > deadline) throw new Error(`job ${job.id} still ${status}`);
          const polled = await call(`/api/jobs/${job.id}?wait=20`);
          if (polled.status === 429) {
            await new Promise((r) => setTimeout(r, 1000));
            continue;
          }
          if (polled.status !== 200) throw new Error(`poll answered ${polled.status}`);
          status = (polled.json() as { status: string }).status;
        }
        whole.push(performance.now() - t0);
        const read = await call(`/api/jobs/${job.id}`);
        if (read.status === 200) api.push(read.ms);
        if (status === "succeeded") outcome.succeeded++;
        else {
          outcome.failed++;
          failures.push(`${job.id}: ${read.body.toString().slice(0, 200)}`);
        }
      } catch (error) {
        outcome.errors++;
        failures.push(String(error));
      }
    }
  };

  const loadStarted = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, u) => user(u)));
  const loadMs = Date.now() - loadStarted;

  let left = await depth(info.queues.jobs);
  const drainDeadline = Date.now() + 60_000;
  while (left > 0 && Date.now() < drainDeadline) {
    await new Promise((r) => setTimeout(r, 500));
    left = await depth(info.queues.jobs);
  }
  const dead = await depth(info.queues.dlq);
  outcome.lost = outcome.created - (outcome.succeeded + outcome.failed);

  process.kill(-(child.pid ?? 0), "SIGTERM");
  await new Promise((r) => child.once("exit", r));
  rmSync(dataDir, { recursive: true, force: true });

  const report = {
    settings: {
      jobs: JOBS,
      concurrency: CONCURRENCY,
      addresses: ADDRESSES,
      variations: VARIATIONS,
      imagePx: IMAGE_PX,
    },
    stackReadyMs,
    loadSeconds: Math.round(loadMs / 100) / 10,
    jobsPerMinute: Math.round((outcome.succeeded / loadMs) * 60_000),
    outcome,
    queueLeft: left,
    deadLetters: dead,
    apiMs: summary(api),
    uploadMs: summary(uploads),
    jobMs: summary(whole),
  };
  console.log(JSON.stringify(report, null, 2));
  for (const f of failures.slice(0, 10)) console.error(`  ${f}`);
  const ok =
    outcome.created + outcome.limited === JOBS &&
    outcome.errors === 0 &&
    outcome.failed === 0 &&
    outcome.lost === 0 &&
    left === 0 &&
    dead === 0;
  console.log(ok ? "load test passed: nothing lost" : "load test FAILED");
  process.exit(ok ? 0 : 1);
}

await main();
