import { Worker } from "node:worker_threads";
import type { Scale } from "./engine/generator.ts";
import type { Strength } from "./engine/recipe.ts";
import type { GeneratorChoice } from "./engine/strength.ts";
import type { RenderedVariation } from "./engine/variation.ts";
import { ModelError } from "./errors.ts";

/** A request as the server hands it to the pool: the decoded input and the options. */
export interface PoolRequest {
  /** Which generator scale (x3 or x4) renders this request. */
  scale: Scale;
  low: { width: number; height: number; channels: 3 | 4; pixels: Uint8Array };
  /** RGB at the generator's output size (see decode()). */
  reference: Uint8Array;
  greyscale: boolean;
  strength: Strength;
  /** One of the style registry's ids (engine/styles). */
  style: string;
  seed: number;
  variations: number;
}

/**
 * One variation of one request, as a worker gets it. The pixels live in SharedArrayBuffers, so
 * the variations of one request can run on several workers without copying the input.
 */
export interface WorkerTask extends Omit<PoolRequest, "variations" | "low" | "reference"> {
  id: number;
  index: number;
  low: { width: number; height: number; channels: 3 | 4; pixels: Uint8Array };
  reference: Uint8Array;
}

export type WorkerReply =
  | { type: "ready" }
  | { type: "fatal"; message: string }
  | { type: "variation"; id: number; variation: RenderedVariation; ms: number }
  | { type: "error"; id: number; message: string };

export interface WorkerSetup {
  /** The generator of each strength and scale. */
  generators: GeneratorChoice;
  /** ONNX Runtime intra-op threads of each session in this worker. */
  threads: number;
}

export interface PoolOptions {
  /** Worker threads, each with its own ONNX Runtime sessions; one variation at a time each. */
  workers: number;
  /** ONNX Runtime intra-op threads per worker; workers x threads never exceeds the cores. */
  threads: number;
  /** Requests allowed to wait beyond the workers; beyond workers + maxQueue, reserve() throws Busy. */
  maxQueue: number;
  generators: GeneratorChoice;
}

interface Job {
  request: PoolRequest;
  id: number;
  shared: { low: Uint8Array; reference: Uint8Array };
  /** Variation indices not yet handed to a worker. */
  next: number;
  running: number;
  failed: boolean;
  onVariation: (variation: RenderedVariation, ms: number) => void;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
}

function shared(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  copy.set(bytes);
  return copy;
}

const workerUrl = new URL("./worker-entry.mjs", import.meta.url);

/**
 * A fixed set of model workers with a bounded wait queue. A caller first reserve()s a place (or
 * gets Busy at once), then run()s its request in it. Requests are served in arrival order, and the
 * variations of the oldest request go to every free worker: on an idle machine one request uses
 * all the workers, under load each worker keeps working and no request waits behind a later one.
 */
export class WorkerPool {
  readonly ready: Promise<void>;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private reserved = 0;
  private nextId = 1;
  private closing = false;
  private readonly recentMs: number[] = [];
  private isReady = false;

  constructor(private readonly options: PoolOptions) {
    const starts: Promise<void>[] = [];
    for (let i = 0; i < options.workers; i++) starts.push(this.spawn());
    this.ready = Promise.all(starts).then(() => {
      this.isReady = true;
    });
    // Callers that never await `ready` must not crash the process with an unhandled rejection.
    this.ready.catch(() => {});
  }

  get loaded(): boolean {
    return this.isReady;
  }

  private spawn(existing?: Slot): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(workerUrl, {
        workerData: {
          generators: this.options.generators,
          threads: this.options.threads,
        } satisfies WorkerSetup,
        execArgv: [],
      });
      const slot: Slot = existing ?? { worker, ready: false, job: null };
      slot.worker = worker;
      slot.ready = false;
      if (!existing) this.slots.push(slot);
      worker.on("message", (reply: WorkerReply) => {
        if (reply.type === "ready") {
          slot.ready = true;
          resolve();
          this.dispatch();
        } else if (reply.type === "fatal") {
          reject(new Error(`model worker failed to start: ${reply.message}`));
        } else if (slot.job && reply.id === slot.job.id) {
          const job = slot.job;
          slot.job = null;
          job.running--;
          if (reply.type === "variation") {
            if (!job.failed) job.onVariation(reply.variation, reply.ms);
            if (!job.failed && job.running === 0 && job.next >= job.request.variations)
              job.resolve();
          } else this.fail(job, new Error(reply.message));
          this.dispatch();
        }
      });
      worker.on("error", (error) => {
        reject(error);
        if (slot.job) this.fail(slot.job, error);
        slot.job = null;
      });
      worker.on("exit", (code) => {
        slot.ready = false;
        if (slot.job) this.fail(slot.job, new Error(`model worker exited with code ${code}`));
        slot.job = null;
        // A crashed worker is replaced so that the pool keeps its size.
        if (!this.closing && this.isReady) this.spawn(slot).catch(() => {});
      });
    });
  }

  /** Seconds a Busy caller should wait: one average request per waiting request, per worker. */
  private retryAfter(): number {
    const avgMs =
      this.recentMs.length > 0
        ? this.recentMs.reduce((a, b) => a + b, 0) / this.recentMs.length
        : 2000;
    // A request's variations spread over the workers, so requests finish one after another.
    const waves = this.queue.length + 1;
    return Math.min(60, Math.max(1, Math.ceil((avgMs * waves) / 1000)));
  }

  /**
   * Takes one of the pool's places (workers + maxQueue) or throws Busy with a Retry-After.
   * The returned release() must be called if run() is never reached.
   */
  reserve(): { release: () => void } {
    if (this.reserved >= this.options.workers + this.options.maxQueue)
      throw new ModelError(
        "Busy",
        "the model is at capacity; retry after the delay in Retry-After",
        this.retryAfter(),
      );
    this.reserved++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.reserved--;
      },
    };
  }

  /** Renders the request's variations; onVariation gets each one as soon as it is ready. */
  run(
    request: PoolRequest,
    onVariation: (variation: RenderedVariation, ms: number) => void,
  ): Promise<void> {
    if (this.closing) return Promise.reject(new Error("the worker pool is closed"));
    const started = performance.now();
    return new Promise<void>((resolve, reject) => {
      if (request.variations < 1) {
        resolve();
        return;
      }
      this.queue.push({
        request,
        id: this.nextId++,
        shared: { low: shared(request.low.pixels), reference: shared(request.reference) },
        next: 0,
        running: 0,
        failed: false,
        onVariation,
        resolve,
        reject,
      });
      this.dispatch();
    }).then(() => {
      this.recentMs.push(performance.now() - started);
      if (this.recentMs.length > 20) this.recentMs.shift();
    });
  }

  /** Rejects the request once; its variations still running are let finish and dropped. */
  private fail(job: Job, error: Error): void {
    if (job.failed) return;
    job.failed = true;
    const at = this.queue.indexOf(job);
    if (at >= 0) this.queue.splice(at, 1);
    job.reject(error);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job) continue;
      const job = this.queue[0];
      if (!job) return;
      const { request } = job;
      const task: WorkerTask = {
        id: job.id,
        index: job.next++,
        scale: request.scale,
        low: { ...request.low, pixels: job.shared.low },
        reference: job.shared.reference,
        greyscale: request.greyscale,
        strength: request.strength,
        style: request.style,
        seed: request.seed,
      };
      if (job.next >= request.variations) this.queue.shift();
      job.running++;
      slot.job = job;
      slot.worker.postMessage(task);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const job of [...this.queue]) this.fail(job, new Error("the worker pool is closed"));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
