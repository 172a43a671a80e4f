/**
 * A model worker thread: owns one ONNX Runtime session per generator and scale (built in memory
 * from the npm weights, loaded once), and renders one variation at a time. The variations of one
 * request may run on several workers at once; each keeps the request's prepared input (and its
 * detail layer) while variations of it keep coming.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type Generator, loadGenerator } from "./engine/generator.ts";
import type { LowRes } from "./engine/perturb.ts";
import { sessionsOf } from "./engine/strength.ts";
import { renderStyled, styleOf } from "./engine/styles/index.ts";
import { detailLayer } from "./engine/variation.ts";
import type { WorkerReply, WorkerSetup, WorkerTask } from "./pool.ts";

if (!parentPort) throw new Error("worker.ts must run in a worker thread");
const port = parentPort;

const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) =>
  port.postMessage(reply, transfer);

interface Prepared {
  id: number;
  input: LowRes;
  /** The photo style's detail layer, made when a variation of that style first needs it. */
  detail: Float32Array | null;
}

function prepare(task: WorkerTask): Prepared {
  const { low } = task;
  const rgb = new Float32Array(low.width * low.height * 3);
  const alpha = low.channels === 4 ? new Float32Array(low.width * low.height) : null;
  const px = low.pixels;
  for (let p = 0, q = 0; p < low.width * low.height; p++, q += low.channels) {
    rgb[p * 3] = px[q] as number;
    rgb[p * 3 + 1] = px[q + 1] as number;
    rgb[p * 3 + 2] = px[q + 2] as number;
    if (alpha) alpha[p] = px[q + 3] as number;
  }
  const input = { width: low.width, height: low.height, rgb, alpha };
  return { id: task.id, input, detail: null };
}

async function main({ generators: choice, threads }: WorkerSetup) {
  const generators = new Map<string, Generator>();
  for (const { name, scale } of sessionsOf(choice))
    generators.set(`${name}-x${scale}`, await loadGenerator(name, scale, { threads }));
  post({ type: "ready" });
  let prepared: Prepared | null = null;
  port.on("message", async (task: WorkerTask) => {
    try {
      const started = performance.now();
      const name = choice[task.strength][task.scale as 3 | 4];
      const generator = generators.get(`${name}-x${task.scale}`);
      if (!generator) throw new Error(`no ${name} x${task.scale} generator`);
      // Preparing the input is model-side work too; it is counted with the variation that does it.
      if (prepared?.id !== task.id) prepared = prepare(task);
      // Only the photo style lays the input's own detail over the generator's output.
      if (styleOf(task.style, task.seed, task.index) === "photo")
        prepared.detail ??= detailLayer(prepared.input, task.reference, generator.scale);
      const variation = await renderStyled(generator, prepared.input, {
        style: task.style,
        seed: task.seed,
        index: task.index,
        strength: task.strength,
        greyscale: task.greyscale,
        detail: prepared.detail,
      });
      const ms = performance.now() - started;
      post({ type: "variation", id: task.id, variation, ms }, [
        variation.pixels.buffer as ArrayBuffer,
      ]);
    } catch (error) {
      post({
        type: "error",
        id: task.id,
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  });
}

main(workerData as WorkerSetup).catch((error: unknown) => {
  post({
    type: "fatal",
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
});
