import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism } from "node:os";
import { GENERATORS, type GeneratorName } from "./engine/generator.ts";
import { GENERATOR_FOR, onlyGenerator, sessionsOf } from "./engine/strength.ts";
import { styleOf } from "./engine/styles/index.ts";
import type { RenderedVariation } from "./engine/variation.ts";
import { ModelError } from "./errors.ts";
import {
  decode,
  encode,
  lockDownDecoders,
  MAX_BODY_BYTES,
  SUPPORTED_TYPES,
  type SupportedType,
} from "./image.ts";
import { OPTIONS_HEADER, parseOptions } from "./options.ts";
import { WorkerPool } from "./pool.ts";

/** Bumped whenever the same input, options and seed would give different bytes. */
export const ENGINE_VERSION = "2.0.0";
/** Largest response body: SageMaker real-time's payload limit, 6 MiB. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

export interface ModelServerOptions {
  /** Default: SAGEMAKER_BIND_TO_PORT, else 8080. Use 0 for a free port. */
  port?: number;
  /** Default: SAGEMAKER_BIND_TO_HOST, else 0.0.0.0. */
  host?: string;
  /**
   * Model worker threads, each rendering one variation at a time. Default: ARTAI_MODEL_WORKERS,
   * else the cores divided by `threads`.
   */
  workers?: number;
  /**
   * ONNX Runtime intra-op threads per worker. Default: ARTAI_MODEL_THREADS, else the cores
   * divided by `workers` if that is given, else 2 (1 on one core). workers x threads may not
   * exceed the cores.
   */
  threads?: number;
  /**
   * Requests that may wait beyond one per worker. Default: ARTAI_MODEL_QUEUE, else 8 per worker
   * (a request's variations take every free worker, so the queue drains one request every
   * fraction of a second: 8 waiting 1024 px requests take about 15 s on 2 idle cores).
   */
  maxQueue?: number;
  /** One generator for every strength. Default: ARTAI_MODEL_GENERATOR, else GENERATOR_FOR. */
  generator?: GeneratorName;
  /** Log one line per request to stderr. Default false. */
  log?: boolean;
}

export interface ModelServer {
  url: string;
  port: number;
  /** Resolves once every worker has its weights loaded (when /ping starts answering 200). */
  ready: Promise<void>;
  /** Stops accepting requests, waits up to graceMs (default 30 s) for those in progress, then stops. */
  close(graceMs?: number): Promise<void>;
}

export interface InvocationResponse {
  model: { name: string; version: string };
  variations: {
    index: number;
    seed: number;
    recipe: string;
    /** The medium this variation is in: the style asked for, or for `surprise` the seed's pick. */
    style: string;
    contentType: "image/webp";
    width: number;
    height: number;
    data: string;
  }[];
  timings: { decodeMs: number; modelMs: number; encodeMs: number; totalMs: number };
}

const envInt = (name: string): number | undefined => {
  const value = process.env[name];
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
};

/**
 * Workers and threads (docs/model.md, "Cores and memory"): by default each worker's sessions run
 * 2 intra-op threads and there is one worker per 2 cores, so one request uses every core, and
 * workers x threads never exceeds the cores. Two threads per session rather than one worker per
 * core: measured here, two 1-thread sessions run 10-35 % more passes per second, but the server
 * then holds twice the sessions and activations (peak RSS 724 against 494 MiB, over the 600 MiB
 * the container is allowed).
 */
export function resolveThreads(
  cores: number,
  workers?: number,
  threads?: number,
): { workers: number; threads: number } {
  const t = Math.max(1, threads ?? (workers ? Math.floor(cores / workers) : Math.min(2, cores)));
  const w = Math.max(1, workers ?? Math.floor(cores / t));
  if (w * t > cores)
    throw new Error(
      `${w} model workers x ${t} threads would oversubscribe the ${cores} cores; lower ARTAI_MODEL_WORKERS or ARTAI_MODEL_THREADS`,
    );
  return { workers: w, threads: t };
}

function resolveOptions(options: ModelServerOptions) {
  const { workers, threads } = resolveThreads(
    availableParallelism(),
    options.workers ?? envInt("ARTAI_MODEL_WORKERS"),
    options.threads ?? envInt("ARTAI_MODEL_THREADS"),
  );
  const single = (options.generator ?? process.env.ARTAI_MODEL_GENERATOR) as
    | GeneratorName
    | undefined;
  if (single !== undefined && !(single in GENERATORS))
    throw new Error(`unknown generator "${single}"`);
  const generators = single ? onlyGenerator(single) : GENERATOR_FOR;
  return {
    port: options.port ?? envInt("SAGEMAKER_BIND_TO_PORT") ?? 8080,
    host: options.host ?? process.env.SAGEMAKER_BIND_TO_HOST ?? "0.0.0.0",
    workers,
    threads,
    maxQueue: options.maxQueue ?? envInt("ARTAI_MODEL_QUEUE") ?? 8 * workers,
    generators,
    log: options.log ?? false,
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(json),
    ...headers,
  });
  res.end(json);
}

function sendError(res: ServerResponse, error: ModelError): void {
  sendJson(
    res,
    error.status,
    { code: error.code, message: error.message },
    error.retryAfter === undefined ? {} : { "retry-after": String(error.retryAfter) },
  );
}

/**
 * Reads the body up to MAX_BODY_BYTES. A larger body is drained and thrown away (so the client
 * can read the answer), then rejected as ImageTooLarge.
 */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = declared > MAX_BODY_BYTES;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
    // Stop reading a hostile stream long after any honest client would have finished.
    if (size > 8 * MAX_BODY_BYTES) {
      req.destroy();
      break;
    }
  }
  if (tooLarge)
    throw new ModelError(
      "ImageTooLarge",
      `the request body is larger than ${MAX_BODY_BYTES} bytes (6 MiB)`,
    );
  return Buffer.concat(chunks, size);
}

function contentTypeOf(req: IncomingMessage): SupportedType {
  const raw = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const type = raw === "image/jpg" ? "image/jpeg" : raw;
  if (!(SUPPORTED_TYPES as readonly string[]).includes(type))
    throw new ModelError(
      "UnsupportedFormat",
      `Content-Type must be one of ${SUPPORTED_TYPES.join(", ")} (got "${raw || "none"}")`,
    );
  return type as SupportedType;
}

const INVOCATIONS = /^\/(?:endpoints\/[^/]+\/)?invocations\/?$/;

/**
 * Starts the SageMaker-compatible model server: GET /ping, POST /invocations and
 * POST /endpoints/{name}/invocations. It listens at once; /ping answers 503 until the weights are
 * loaded in every worker, then 200. The same code runs in the container (src/serve.ts) and tests.
 */
export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const config = resolveOptions(options);
  lockDownDecoders();
  const pool = new WorkerPool(config);
  const names = [...new Set(sessionsOf(config.generators).map((s) => s.name))];
  const model = { name: `artai-perturb-restore-${names.join("+")}`, version: ENGINE_VERSION };

  const invoke = async (req: IncomingMessage, res: ServerResponse, started: number) => {
    const body = await readBody(req);
    contentTypeOf(req);
    const options = parseOptions(req.headers[OPTIONS_HEADER] as string | undefined);
    if (!pool.loaded) throw new ModelError("Busy", "the model is still loading", 5);
    const place = pool.reserve();
    try {
      const decodeStarted = performance.now();
      const input = await decode(body);
      const decodeMs = performance.now() - decodeStarted;
      let modelMs = 0;
      let encodeMs = 0;
      const rendered: Promise<InvocationResponse["variations"][number]>[] = [];
      const encodeOne = async (quality: number, v: RenderedVariation) => {
        const t = performance.now();
        const webp = await encode(v.pixels, v, input, quality);
        encodeMs += performance.now() - t;
        return webp;
      };
      const kept: RenderedVariation[] = [];
      await pool.run(
        {
          scale: input.scale,
          low: input.low,
          reference: input.reference,
          greyscale: input.greyscale,
          strength: options.strength,
          style: options.style,
          seed: options.seed,
          variations: options.variations,
        },
        (variation, ms) => {
          modelMs += ms;
          kept.push(variation);
          const encoded = encodeOne(82, variation).then((webp) => ({
            index: variation.index,
            seed: variation.seed,
            recipe: variation.recipe,
            style: styleOf(options.style, options.seed, variation.index),
            contentType: "image/webp" as const,
            width: input.width,
            height: input.height,
            data: webp.toString("base64"),
          }));
          // Awaited below; this only keeps a failure after an earlier error from going unhandled.
          encoded.catch(() => {});
          rendered.push(encoded);
        },
      );
      // Variations may finish out of order when they run on several workers.
      kept.sort((a, b) => a.index - b.index);
      let variations = (await Promise.all(rendered)).sort((a, b) => a.index - b.index);
      const payload = (): InvocationResponse => ({
        model,
        variations,
        timings: {
          decodeMs: Math.round(decodeMs),
          modelMs: Math.round(modelMs),
          encodeMs: Math.round(encodeMs),
          totalMs: Math.round(performance.now() - started),
        },
      });
      // WebP at 1024 px is far below the limit; lower the quality if an image ever is not.
      for (const quality of [60, 40]) {
        if (Buffer.byteLength(JSON.stringify(payload())) <= MAX_RESPONSE_BYTES - 1024) break;
        variations = await Promise.all(
          kept.map(async (v, i) => ({
            ...(variations[i] as InvocationResponse["variations"][number]),
            data: (await encodeOne(quality, v)).toString("base64"),
          })),
        );
      }
      sendJson(res, 200, payload());
    } finally {
      place.release();
    }
  };

  let inFlight = 0;
  let drained: (() => void) | null = null;
  const server = createServer((req, res) => {
    const started = performance.now();
    inFlight++;
    res.once("close", () => {
      inFlight--;
      if (inFlight === 0) drained?.();
    });
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const handle = async () => {
      if (path === "/ping") {
        if (req.method !== "GET" && req.method !== "HEAD")
          throw new ModelError("MethodNotAllowed", "use GET /ping");
        req.resume();
        if (pool.loaded) sendJson(res, 200, { status: "Healthy" });
        else throw new ModelError("Busy", "the model is loading", 5);
        return;
      }
      if (INVOCATIONS.test(path)) {
        if (req.method !== "POST") throw new ModelError("MethodNotAllowed", "use POST");
        await invoke(req, res, started);
        return;
      }
      req.resume();
      throw new ModelError("NotFound", `no route for ${req.method} ${path}`);
    };
    handle()
      .catch((error: unknown) => {
        const known =
          error instanceof ModelError
            ? error
            : new ModelError("InternalError", "the model failed to process the request");
        if (!(error instanceof ModelError)) console.error("[model] internal error:", error);
        if (!res.headersSent) sendError(res, known);
        else res.destroy();
      })
      .finally(() => {
        if (config.log)
          console.error(
            `[model] ${req.method} ${path} ${res.statusCode} ${Math.round(performance.now() - started)}ms`,
          );
      });
  });
  // The model may take tens of seconds on a busy machine; SageMaker allows 60 s.
  server.requestTimeout = 120_000;
  server.listen(config.port, config.host);
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  return {
    url: `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}`,
    port,
    ready: pool.ready,
    close: async (graceMs = 30_000) => {
      // Stop accepting, let requests in progress finish (up to graceMs), then stop the workers.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0)
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, graceMs).unref();
        });
      server.closeAllConnections();
      await closed;
      await pool.close();
    },
  };
}
