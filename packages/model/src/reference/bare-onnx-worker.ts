/** One bare ONNX session in a worker thread (see bare-onnx.ts). */
import { parentPort, workerData } from "node:worker_threads";
import { type GeneratorName, loadGenerator, type Scale } from "../engine/generator.ts";

const port = parentPort;
if (!port) throw new Error("bare-onnx-worker.ts must run in a worker thread");
const { generator, scale, threads } = workerData as {
  generator: GeneratorName;
  scale: Scale;
  threads: number;
};
try {
  const g = await loadGenerator(generator, scale, { threads });
  const inputs = new Map<string, Float32Array>();
  port.on("message", async ({ width, height }: { width: number; height: number }) => {
    try {
      const key = `${width}x${height}`;
      let rgb = inputs.get(key);
      if (!rgb) {
        // A fixed, textured input: the network's arithmetic does not depend on the values.
        rgb = Float32Array.from({ length: width * height * 3 }, (_, i) => (i * 37) % 256);
        inputs.set(key, rgb);
      }
      await g.predict?.(rgb, width, height);
      port.postMessage({ type: "done" });
    } catch (error) {
      port.postMessage({ type: "error", message: String(error) });
    }
  });
  port.postMessage({ type: "ready", macs: g.macsPerInputPixel });
} catch (error) {
  port.postMessage({ type: "fatal", message: String(error) });
}
