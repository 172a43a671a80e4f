/**
 * The bare ONNX pass, for benchmarks: the generator's ONNX graph run with nothing around it (no
 * mirrored margin, perturbation, detail layer, decoding or encoding), on `sessions` worker
 * threads with `threads` intra-op threads each. This is the compute a job could not go below on
 * the same cores; the server's figures are compared with it.
 */
import { Worker } from "node:worker_threads";
import type { GeneratorName, Scale } from "../engine/esrgan.ts";

export interface BareOnnx {
  /** Runs `passes` passes of a width x height input spread over the sessions; resolves with the wall ms. */
  run(width: number, height: number, passes: number): Promise<number>;
  /** Multiply-accumulates of one pass per input pixel. */
  macsPerInputPixel: number;
  close(): Promise<void>;
}

const workerUrl = new URL("./bare-onnx-entry.mjs", import.meta.url);

export async function startBareOnnx(options: {
  generator: GeneratorName;
  scale: Scale;
  sessions: number;
  threads: number;
}): Promise<BareOnnx> {
  const workers = Array.from(
    { length: options.sessions },
    () =>
      new Worker(workerUrl, {
        workerData: {
          generator: options.generator,
          scale: options.scale,
          threads: options.threads,
        },
      }),
  );
  type Reply = { type: string; macs?: number; message?: string };
  const waiting = new Map<Worker, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  for (const w of workers) {
    w.on("message", (r: Reply) => waiting.get(w)?.resolve(r));
    w.on("error", (e) => waiting.get(w)?.reject(e));
  }
  const next = (w: Worker) =>
    new Promise<Reply>((resolve, reject) => waiting.set(w, { resolve, reject }));
  const ready = await Promise.all(workers.map(next));
  const failed = ready.find((r) => r.type !== "ready");
  if (failed) throw new Error(`bare ONNX worker failed: ${failed.message}`);
  return {
    macsPerInputPixel: ready[0]?.macs ?? Number.NaN,
    async run(width, height, passes) {
      const started = performance.now();
      let handed = 0;
      await Promise.all(
        workers.map(async (w) => {
          while (handed < passes) {
            handed++;
            const reply = next(w);
            w.postMessage({ width, height });
            const r = await reply;
            if (r.type !== "done") throw new Error(`bare ONNX pass failed: ${r.message}`);
          }
        }),
      );
      return performance.now() - started;
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
