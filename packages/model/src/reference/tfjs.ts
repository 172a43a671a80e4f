/**
 * The TF.js runtime of the generators, kept only as the reference the ONNX graph is checked
 * against (test/onnx-equivalence.test.ts) and as the baseline of the benchmarks. The server never
 * loads it, and the container does not carry it (TF.js is a dev dependency).
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import {
  type GeneratorName,
  packageDir,
  readLayersModel,
  type Scale,
  withMirroredMargin,
} from "../engine/esrgan.ts";
import type { Generator } from "../engine/generator.ts";

let backendReady: Promise<void> | undefined;

/** Selects TF.js's wasm backend, with its .wasm files read from node_modules (no network). */
export function useWasmBackend(): Promise<void> {
  backendReady ??= (async () => {
    setWasmPaths(`${packageDir("@tensorflow/tfjs-backend-wasm")}/dist/`);
    if (!(await tf.setBackend("wasm"))) throw new Error("the TF.js wasm backend failed to start");
    await tf.ready();
  })();
  return backendReady;
}

const getInput = (inputs: tf.Tensor | tf.Tensor[]) =>
  (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;

let customLayers = false;

/**
 * esrgan-thick's two custom layers, as its package defines them (dist/…/shared/src/esrgan/esrgan.js):
 * MultiplyBeta multiplies by 0.2 and PixelShuffle{s}x is tf.depthToSpace(s, "NHWC").
 */
function registerCustomLayers(): void {
  if (customLayers) return;
  customLayers = true;
  class MultiplyBeta extends tf.layers.Layer {
    static className = "MultiplyBeta";
    override call(inputs: tf.Tensor | tf.Tensor[]) {
      return tf.mul(getInput(inputs), 0.2);
    }
  }
  tf.serialization.registerClass(MultiplyBeta);
  for (const s of [2, 3, 4, 8]) {
    class PixelShuffle extends tf.layers.Layer {
      static className = `PixelShuffle${s}x`;
      override computeOutputShape(shape: tf.Shape | tf.Shape[]) {
        const [b, h, w] = shape as tf.Shape;
        return [b ?? null, h ?? null, w ?? null, 3] as tf.Shape;
      }
      override call(inputs: tf.Tensor | tf.Tensor[]) {
        return tf.depthToSpace(getInput(inputs) as tf.Tensor4D, s, "NHWC");
      }
    }
    tf.serialization.registerClass(PixelShuffle);
  }
}

/** Models trained on 0..1 (the package's inputRange/outputRange). */
const UNIT_RANGE = new Set<GeneratorName>(["esrgan-thick"]);

/** Loads a generator on TF.js's wasm backend, from the same npm weights as the ONNX graph. */
export async function loadTfjsGenerator(name: GeneratorName, scale: Scale): Promise<Generator> {
  await useWasmBackend();
  registerCustomLayers();
  const files = readLayersModel(name, scale);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: files.modelTopology,
      weightSpecs: files.weightSpecs as tf.io.WeightsManifestEntry[],
      weightData: files.weightData,
    }),
  );
  const unit = UNIT_RANGE.has(name);
  const predict = async (rgb: Float32Array, width: number, height: number) => {
    const output = tf.tidy(() => {
      let input = tf.tensor4d(rgb, [1, height, width, 3]);
      if (unit) input = input.div(255);
      let out = model.predict(input) as tf.Tensor;
      if (unit) out = out.mul(255);
      return out.clipByValue(0, 255);
    });
    try {
      return (await output.data()) as Float32Array;
    } finally {
      output.dispose();
    }
  };
  return {
    name: `${name}-x${scale}`,
    version: files.version,
    scale,
    predict,
    run: (rgb, width, height) => withMirroredMargin(predict, scale, rgb, width, height),
    dispose: async () => {
      model.dispose();
    },
  };
}
