import { Worker } from "node:worker_threads";
import type { GeneratorName, Scale } from "./engine/generator.ts";
import type { Strength } from "./engine/recipe.ts";
import type { RenderedVariation } from "./engine/variation.ts";
import { ModelError } from "./errors.ts";

export interface WorkerRequest {
  id: number;
  /** Which generator (x3 or x4) renders this request. */
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

export type WorkerReply =
  | { type: "ready" }
  | { type: "fatal"; message: string }
  | { type: "variation"; id: number; variation: RenderedVariation; ms: number }
  | { type: "done"; id: number }
  | { type: "error"; id: number; message: string };

export interface PoolOptions {
  /** Worker threads, each with its own model; one request runs on one worker at a time. */
  workers: number;
  /** Requests allowed to wait for a worker; beyond workers + maxQueue, reserve() throws Busy. */
  maxQueue: number;
  generator: GeneratorName;
}

interface Job {
  request: WorkerRequest;
  onVariation: (variation: RenderedVariation, ms: number) => void;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
}

const workerUrl = new URL("./worker-entry.mjs", import.meta.url);

/**
 * A fixed set of model workers with a bounded wait queue. A caller first reserve()s a place (or
 * gets Busy at once), then run()s its request in it.
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
        workerData: { generator: this.options.generator },
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
        } else if (slot.job && reply.id === slot.job.request.id) {
          const job = slot.job;
          if (reply.type === "variation") job.onVariation(reply.variation, reply.ms);
          else {
            slot.job = null;
            if (reply.type === "done") job.resolve();
            else job.reject(new Error(reply.message));
            this.dispatch();
          }
        }
      });
      worker.on("error", (error) => {
        reject(error);
        slot.job?.reject(error);
        slot.job = null;
      });
      worker.on("exit", (code) => {
        slot.ready = false;
        slot.job?.reject(new Error(`model worker exited with code ${code}`));
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
    const waves = (this.queue.length + 1) / Math.max(1, this.options.workers);
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
    request: Omit<WorkerRequest, "id">,
    onVariation: (variation: RenderedVariation, ms: number) => void,
  ): Promise<void> {
    if (this.closing) return Promise.reject(new Error("the worker pool is closed"));
    const started = performance.now();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ request: { ...request, id: this.nextId++ }, onVariation, resolve, reject });
      this.dispatch();
    }).then(() => {
      this.recentMs.push(performance.now() - started);
      if (this.recentMs.length > 20) this.recentMs.shift();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      slot.worker.postMessage(job.request, [
        job.request.low.pixels.buffer as ArrayBuffer,
        job.request.reference.buffer as ArrayBuffer,
      ]);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const job of this.queue.splice(0)) job.reject(new Error("the worker pool is closed"));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
