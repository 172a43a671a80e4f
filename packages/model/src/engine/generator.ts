import * as ort from "onnxruntime-node";
import {
  GENERATORS,
  type GeneratorName,
  readLayersModel,
  type Scale,
  withMirroredMargin,
} from "./esrgan.ts";
import { buildOnnxModel, type GraphInfo, INPUT_NAME, OUTPUT_NAME } from "./onnx-graph.ts";

export { GENERATORS, type GeneratorName, type Scale };

export interface Generator {
  /** For example "esrgan-slim-x4". */
  name: string;
  /** The version of the npm package the weights come from. */
  version: string;
  scale: Scale;
  /** Runs the network on interleaved RGB (0..255) and returns RGB (0..255) at `scale` times the size. */
  run(rgb: Float32Array, width: number, height: number): Promise<Float32Array>;
  /** Multiply-accumulates per input pixel of the network as it runs (for GFLOP/s figures). */
  macsPerInputPixel?: number;
  /** Runs the network on exactly the given pixels (no mirrored margin): the bare ONNX pass. */
  predict?(rgb: Float32Array, width: number, height: number): Promise<Float32Array>;
  /** Frees the runtime's memory. */
  dispose?(): Promise<void>;
}

export interface GeneratorOptions {
  /**
   * ONNX Runtime intra-op threads of this generator's session. Fixed per session, so the
   * arithmetic, and with it the output bytes, never depends on how busy the machine is.
   * Default 1 (the server runs one session per core; see docs/model.md).
   */
  threads?: number;
}

/** The ONNX model built from a generator's npm weights (in memory), and its size in MACs. */
export function onnxModel(
  name: GeneratorName,
  scale: Scale,
): { bytes: Uint8Array; info: GraphInfo; version: string } {
  const files = readLayersModel(name, scale);
  return { ...buildOnnxModel(files), version: files.version };
}

/**
 * Loads an ESRGAN generator on ONNX Runtime's CPU provider: the ONNX graph is built in memory
 * from the TF.js layers weights inside its npm package (nothing is fetched or written), and one
 * tiny run makes the first request not the slow one.
 */
export async function loadGenerator(
  name: GeneratorName = "esrgan-slim",
  scale: Scale = 4,
  options: GeneratorOptions = {},
): Promise<Generator> {
  if (!(name in GENERATORS)) throw new Error(`unknown generator "${name}"`);
  const { bytes, info, version } = onnxModel(name, scale);
  const threads = options.threads ?? 1;
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "all",
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    // No arena and no pattern cache: each run's activations are freed when it ends, so the
    // resident memory of a server with several sessions per worker stays that of the runs in
    // progress, not the sum of each session's largest run (docs/model.md, "Memory").
    enableCpuMemArena: process.env.ARTAI_MODEL_ARENA === "1",
    enableMemPattern: false,
    // Spinning worker threads would steal the core from the other sessions on a busy machine.
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  });
  const predict = async (rgb: Float32Array, width: number, height: number) => {
    const input = new ort.Tensor("float32", rgb, [1, height, width, 3]);
    const result = await session.run({ [INPUT_NAME]: input });
    const output = result[OUTPUT_NAME];
    if (!output) throw new Error("the ONNX graph returned no output");
    return output.data as Float32Array;
  };
  const run = (rgb: Float32Array, width: number, height: number) =>
    withMirroredMargin(predict, scale, rgb, width, height);
  await run(new Float32Array(8 * 8 * 3).fill(128), 8, 8);
  return {
    name: `${name}-x${scale}`,
    version,
    scale,
    run,
    predict,
    macsPerInputPixel: info.macsPerInputPixel,
    dispose: () => session.release(),
  };
}
