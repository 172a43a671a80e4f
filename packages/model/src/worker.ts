/**
 * A model worker thread: owns one TF.js wasm runtime with the generators loaded once, and renders
 * the variations of one request at a time. The wasm backend is single-threaded, so one worker per
 * core is how the server uses the whole machine.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type Generator, type GeneratorName, loadGenerator } from "./engine/generator.ts";
import { SCALES } from "./engine/scale.ts";
import { renderStyled, styleOf } from "./engine/styles/index.ts";
import { detailLayer } from "./engine/variation.ts";
import type { WorkerReply, WorkerRequest } from "./pool.ts";

if (!parentPort) throw new Error("worker.ts must run in a worker thread");
const port = parentPort;

const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) =>
  port.postMessage(reply, transfer);

async function main(name: GeneratorName) {
  const generators: Record<number, Generator> = {};
  for (const scale of SCALES) {
    generators[scale] = await loadGenerator(name, scale);
  }
  post({ type: "ready" });
  port.on("message", async (request: WorkerRequest) => {
    try {
      const setupStarted = performance.now();
      const { low } = request;
      const generator = generators[request.scale];
      if (!generator) throw new Error(`no x${request.scale} generator`);
      const rgb = new Float32Array(low.width * low.height * 3);
      const alpha = low.channels === 4 ? new Float32Array(low.width * low.height) : null;
      for (let p = 0; p < low.width * low.height; p++) {
        rgb[p * 3] = low.pixels[p * low.channels] as number;
        rgb[p * 3 + 1] = low.pixels[p * low.channels + 1] as number;
        rgb[p * 3 + 2] = low.pixels[p * low.channels + 2] as number;
        if (alpha) alpha[p] = low.pixels[p * 4 + 3] as number;
      }
      const input = { width: low.width, height: low.height, rgb, alpha };
      // Only the photo style lays the input's own detail over the generator's output.
      const needsDetail = Array.from(
        { length: request.variations },
        (_, i) => styleOf(request.style, request.seed, i) === "photo",
      ).some(Boolean);
      const detail = needsDetail
        ? await detailLayer(input, request.reference, generator.scale)
        : null;
      // Preparing the input is model-side work too; it is counted with the first variation.
      let carry = performance.now() - setupStarted;
      for (let index = 0; index < request.variations; index++) {
        const started = performance.now();
        const variation = await renderStyled(generator, input, {
          style: request.style,
          seed: request.seed,
          index,
          strength: request.strength,
          greyscale: request.greyscale,
          detail,
        });
        const ms = performance.now() - started + carry;
        carry = 0;
        post({ type: "variation", id: request.id, variation, ms }, [
          variation.pixels.buffer as ArrayBuffer,
        ]);
      }
      post({ type: "done", id: request.id });
    } catch (error) {
      post({
        type: "error",
        id: request.id,
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  });
}

main((workerData as { generator: GeneratorName }).generator).catch((error: unknown) => {
  post({
    type: "fatal",
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
});
