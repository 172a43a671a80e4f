/**
 * Helpers for the reliability suites: a quiet stack, browsers that connect from a chosen loopback
 * address, and observations of real components (the queue, the versioned Outputs bucket, the
 * SageMaker front's invocation record) instead of test hooks in the application.
 */
import { request } from "node:http";
import type { JobView } from "@artai/core/contract";
import { photo } from "@artai/test-images";
import { ListObjectVersionsCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll } from "vitest";
import { Browser, upload } from "../src/client.ts";
import { NAMES, REGION, type Stack, type StackOptions } from "../src/stack.ts";
import { quietStack } from "./helpers.ts";

/**
 * For the file it is called in: a quiet stack started before the tests and closed after them, a
 * browser that already owns its cookie (so tests that then create jobs concurrently share one
 * owner), and a small PNG to upload.
 */
export function ownedStackForSuite(name: string, options: StackOptions = {}) {
  let owned: { stack: Stack; client: Browser; image: Buffer } | undefined;
  beforeAll(async () => {
    const stack = await quietStack(name, options);
    const client = new Browser(stack.url);
    const image = await photo(48, 48, "png");
    await client.createJob({ contentType: "image/png", size: 1, variations: 1 });
    owned = { stack, client, image };
  });
  afterAll(async () => owned?.stack.close());
  const get = () => {
    if (!owned) throw new Error("the stack starts in beforeAll");
    return owned;
  };
  return {
    get stack() {
      return get().stack;
    },
    get client() {
      return get().client;
    },
    get image() {
      return get().image;
    },
  };
}

/**
 * A browser whose connections come from `address` (any 127.x.y.z works on loopback), so one test
 * can be several clients as the API's per-address limits see them.
 */
export class ClientAt extends Browser {
  constructor(
    base: string,
    readonly address = "127.0.0.1",
  ) {
    super(base);
  }

  override async request(path: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(path, this.base);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => {
      headers[k] = v;
    });
    if (this.cookie) headers.cookie = this.cookie;
    const body = typeof init.body === "string" ? init.body : undefined;
    const res = await new Promise<Response>((resolve, reject) => {
      const req = request(
        url,
        { method: init.method ?? "GET", headers, localAddress: this.address },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on("data", (c: Buffer) => chunks.push(c));
          answer.on("end", () => {
            const h = new Headers();
            for (const [k, v] of Object.entries(answer.headers)) {
              if (Array.isArray(v)) for (const item of v) h.append(k, item);
              else if (v !== undefined) h.set(k, v);
            }
            const status = answer.statusCode ?? 0;
            const payload = status === 204 ? null : Buffer.concat(chunks);
            resolve(new Response(payload, { status, headers: h }));
          });
          answer.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    const setCookie = res.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0];
    return res;
  }
}

/** Creates a job for `bytes` and uploads them through the presigned POST; returns the job id. */
export async function submit(
  client: Browser,
  bytes: Buffer,
  contentType: string,
  options: { variations?: number; strength?: "subtle" | "strong"; seed?: number } = {},
): Promise<string> {
  const created = await client.createJob({
    contentType,
    size: bytes.length,
    variations: options.variations ?? 1,
    ...(options.strength ? { strength: options.strength } : {}),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  if (created.status !== 201 || !created.body.upload) {
    throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body)}`);
  }
  const sent = await upload(created.body.upload, bytes, contentType);
  if (sent.status !== 204) throw new Error(`upload answered ${sent.status}`);
  return created.body.job.id;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until no message is left in the jobs queue (none visible, in flight or delayed). */
export const queueDrained = (stack: Stack, timeoutMs = 30_000) =>
  waitFor(
    "the jobs queue to drain",
    () => stack.queues.jobs.stats().total === 0 || undefined,
    timeoutMs,
  );

/**
 * Reads a job as its owner (long-polling up to `waitSeconds` for a change), tolerating an API that
 * is briefly failing (a fault under test).
 */
export async function jobOf(
  client: Browser,
  id: string,
  waitSeconds = 0,
): Promise<JobView | undefined> {
  try {
    const query = waitSeconds > 0 ? `?wait=${waitSeconds}` : "";
    const { status, body } = await client.json<JobView>(`/api/jobs/${id}${query}`);
    return status === 200 ? body : undefined;
  } catch {
    return undefined;
  }
}

/** Waits for a job to succeed or fail, long-polling as the web app does. */
export const finished = (client: Browser, id: string, timeoutMs = 60_000) =>
  waitFor(
    `job ${id} to finish`,
    async () => {
      const job = await jobOf(client, id, Math.min(20, Math.ceil(timeoutMs / 1000)));
      return job && (job.status === "succeeded" || job.status === "failed") ? job : undefined;
    },
    timeoutMs,
    200,
  );

export function s3Client(stack: Stack) {
  return new S3Client({
    endpoint: stack.endpoints.s3,
    forcePathStyle: true,
    region: REGION,
    credentials: {
      accessKeyId: stack.env.AWS_ACCESS_KEY_ID ?? "",
      secretAccessKey: stack.env.AWS_SECRET_ACCESS_KEY ?? "",
    },
  });
}

/** Every version (and delete marker) under `prefix` in a bucket: each write leaves one. */
export async function versions(stack: Stack, bucket: "uploads" | "outputs", prefix: string) {
  const page = await s3Client(stack).send(
    new ListObjectVersionsCommand({ Bucket: NAMES[bucket], Prefix: prefix }),
  );
  return {
    versions: (page.Versions ?? []).map((v) => ({ key: v.Key ?? "", latest: v.IsLatest === true })),
    deleteMarkers: page.DeleteMarkers?.length ?? 0,
  };
}

/** Calls the model received through `InvokeEndpoint` (successful or not). */
export const modelCalls = (stack: Stack) => stack.modelEndpoint.invocations().length;
