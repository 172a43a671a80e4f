/**
 * Builds an ONNX model (opset 17) in memory from a TF.js layers model: the same network, layer by
 * layer, so ONNX Runtime can run the weights the npm packages ship. Nothing is written to disk.
 *
 * Keras → ONNX, with the tensors in NCHW inside the graph:
 * - Conv2D → Conv (kernel HWIO → OIHW, "same" padding written out as pads), plus Relu if fused;
 * - Activation relu → Relu; Concatenate → Concat on axis 1; Add → Add (Sum for more than two);
 * - MultiplyBeta (esrgan-thick) → Mul by 0.2; PixelShuffle{s}x → DepthToSpace (DCR, as TF's);
 * - UpSampling2D ×s (nearest) followed by a 3×3 conv → a 3×3 conv at low resolution with s²
 *   times the output channels, then DepthToSpace(s): the same function, s² times fewer MACs
 *   (see lowResUpsampleConv). An UpSampling2D with any other consumer becomes Resize (nearest).
 * At the edges the graph takes and returns NHWC RGB in 0..255 (Transpose), scales to and from
 * 0..1 for the models trained on that range, and clips the output to 0..255 as the TF.js path did.
 */
import onnxProto from "onnx-proto";
import type { KerasLayer, LayersModelFiles } from "./esrgan.ts";

const { onnx } = onnxProto;

/** Input and output range of each generator's network (esrgan-thick was trained on 0..1). */
const UNIT_RANGE = new Set(["esrgan-thick"]);

/** The TF.js custom layer MultiplyBeta (esrgan-thick's residual scaling) multiplies by this. */
const MULTIPLY_BETA = 0.2;

export const INPUT_NAME = "rgb";
export const OUTPUT_NAME = "upscaled";

interface Weights {
  get(name: string): { shape: number[]; values: Float32Array };
}

function indexWeights(files: LayersModelFiles): Weights {
  const byName = new Map<string, { shape: number[]; values: Float32Array }>();
  let offset = 0;
  for (const spec of files.weightSpecs) {
    if (spec.dtype !== "float32") throw new Error(`weight ${spec.name} is ${spec.dtype}`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    byName.set(spec.name, {
      shape: spec.shape,
      values: new Float32Array(files.weightData.slice(offset, offset + count * 4)),
    });
    offset += count * 4;
  }
  return {
    get(name) {
      const w = byName.get(name);
      if (!w) throw new Error(`the model has no weight ${name}`);
      return w;
    },
  };
}

/** HWIO (Keras) → OIHW (ONNX). */
function hwioToOihw(values: Float32Array, [kh, kw, ci, co]: number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let y = 0; y < (kh as number); y++)
    for (let x = 0; x < (kw as number); x++)
      for (let i = 0; i < (ci as number); i++)
        for (let o = 0; o < (co as number); o++)
          out[((o * (ci as number) + i) * (kh as number) + y) * (kw as number) + x] = values[
            ((y * (kw as number) + x) * (ci as number) + i) * (co as number) + o
          ] as number;
  return out;
}

/**
 * "Nearest ×s upsample, then a 3×3 'same' conv (Cin → Cout)" as one 3×3 conv at low resolution
 * (Cin → s²·Cout, HWIO) whose output DepthToSpace(s, DCR) rearranges: output pixel (s·y+i, s·x+j)
 * reads upsampled rows s·y+i+dy (dy ∈ -1..1), which are low-resolution rows y + ⌊(i+dy)/s⌋, so the
 * taps that land on the same low-resolution pixel are summed. Zero padding matches too: an
 * upsampled row outside the image is a low-resolution row outside it.
 */
export function lowResUpsampleConv(
  kernel: Float32Array,
  bias: Float32Array,
  [kh, kw, ci, co]: number[],
  s: number,
): { kernel: Float32Array; bias: Float32Array; shape: number[] } {
  if (kh !== 3 || kw !== 3 || s < 2) throw new Error("the rewrite needs a 3x3 conv and s >= 2");
  const cin = ci as number;
  const cout = co as number;
  const outCh = s * s * cout;
  const k = new Float32Array(9 * cin * outCh);
  const b = new Float32Array(outCh);
  for (let i = 0; i < s; i++)
    for (let j = 0; j < s; j++) {
      const block = (i * s + j) * cout;
      for (let o = 0; o < cout; o++) b[block + o] = bias[o] as number;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const ky = Math.floor((i + dy) / s) + 1;
          const kx = Math.floor((j + dx) / s) + 1;
          for (let c = 0; c < cin; c++)
            for (let o = 0; o < cout; o++) {
              const src = (((dy + 1) * 3 + (dx + 1)) * cin + c) * cout + o;
              const dst = ((ky * 3 + kx) * cin + c) * outCh + block + o;
              k[dst] = (k[dst] as number) + (kernel[src] as number);
            }
        }
    }
  return { kernel: k, bias: b, shape: [3, 3, cin, outCh] };
}

/**
 * Multiply-accumulates per low-resolution input pixel of all the graph's convolutions, each
 * counted at its resolution: the figure GFLOP/s are computed from (2 FLOP per MAC). The upsample
 * rewrite does not change it (s² fewer pixels, s² more output channels).
 */
export interface GraphInfo {
  macsPerInputPixel: number;
}

type Attribute = onnxProto.onnx.IAttributeProto;
const ints = (name: string, values: number[]): Attribute => ({
  name,
  type: onnx.AttributeProto.AttributeType.INTS,
  ints: values,
});
const int = (name: string, value: number): Attribute => ({
  name,
  type: onnx.AttributeProto.AttributeType.INT,
  i: value,
});
const str = (name: string, value: string): Attribute => ({
  name,
  type: onnx.AttributeProto.AttributeType.STRING,
  s: new TextEncoder().encode(value),
});

/** The graph being written: its nodes and initializers, in the order they are added. */
class Graph {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];

  floatTensor(name: string, dims: number[], values: Float32Array): string {
    this.initializers.push({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    });
    return name;
  }

  scalar(name: string, value: number): string {
    return this.floatTensor(name, [], new Float32Array([value]));
  }

  node(opType: string, inputs: string[], output: string, attribute: Attribute[] = []): string {
    this.nodes.push({ opType, input: inputs, output: [output], name: output, attribute });
    return output;
  }

  /** A Keras Conv2D (with its fused relu, if any); returns its MACs per output pixel. */
  conv(
    layer: KerasLayer,
    source: string,
    { kernel, bias, shape }: { kernel: Float32Array; bias: Float32Array; shape: number[] },
    output: string,
  ): number {
    const [kh, kw, ci, co] = shape as [number, number, number, number];
    const padding = layer.config.padding as string;
    const strides = layer.config.strides as number[];
    const dilation = layer.config.dilation_rate as number[];
    if (strides.some((v) => v !== 1) || dilation.some((v) => v !== 1))
      throw new Error(`${layer.name}: only stride 1, dilation 1 convolutions are mapped`);
    if (padding === "same" && (kh % 2 === 0 || kw % 2 === 0))
      throw new Error(`${layer.name}: "same" padding is mapped for odd kernels only`);
    const [ph, pw] = padding === "same" ? [(kh - 1) / 2, (kw - 1) / 2] : [0, 0];
    const w = this.floatTensor(`${output}/W`, [co, ci, kh, kw], hwioToOihw(kernel, shape));
    const b = this.floatTensor(`${output}/B`, [co], bias);
    const activation = layer.config.activation as string;
    const convOut = activation === "relu" ? `${output}/conv` : output;
    this.node("Conv", [source, w, b], convOut, [
      ints("kernel_shape", [kh, kw]),
      ints("pads", [ph, pw, ph, pw]),
      ints("strides", [1, 1]),
      ints("dilations", [1, 1]),
    ]);
    if (activation === "relu") this.node("Relu", [convOut], output);
    else if (activation !== "linear") throw new Error(`${layer.name}: activation ${activation}`);
    return kh * kw * ci * co;
  }

  depthToSpace(source: string, output: string, blocksize: number): string {
    return this.node("DepthToSpace", [source], output, [
      int("blocksize", blocksize),
      str("mode", "DCR"),
    ]);
  }
}

/** Maps a TF.js layers model onto a Graph, layer by layer, in the model's order. */
class LayerMapper {
  readonly graph = new Graph();
  /** Multiply-accumulates per low-resolution input pixel (see GraphInfo). */
  macs = 0;
  private readonly weights: Weights;
  private readonly byName: Map<string, KerasLayer>;
  private readonly consumers = new Map<string, KerasLayer[]>();
  /** Each Keras layer's output is the ONNX value of the same name, except where noted. */
  private readonly valueFor = new Map<string, string>();
  /** Resolution of each layer's output relative to the input (1, or s after an upsample). */
  private readonly resolution = new Map<string, number>();

  constructor(files: LayersModelFiles, layers: KerasLayer[]) {
    this.weights = indexWeights(files);
    this.byName = new Map(layers.map((l) => [l.name, l]));
    for (const layer of layers)
      for (const input of inputsOf(layer))
        this.consumers.set(input, [...(this.consumers.get(input) ?? []), layer]);
  }

  valueOf(layerName: string): string {
    return this.valueFor.get(layerName) as string;
  }

  map(layer: KerasLayer, input: string): void {
    // A deferred upsample has no value; only the conv that absorbs it reads it (conv2d).
    const sources = inputsOf(layer).map((n) => this.valueFor.get(n) ?? "");
    if (layer.class_name !== "Conv2D" && sources.some((v) => v === ""))
      throw new Error(`${layer.name}: an input is not built yet`);
    const res = Math.max(1, ...inputsOf(layer).map((n) => this.resolution.get(n) ?? 1));
    this.resolution.set(layer.name, res);
    const value = this.valueOfLayer(layer, sources, res, input);
    if (value !== undefined) this.valueFor.set(layer.name, value);
  }

  /** The ONNX value of one layer's output; undefined for an upsample deferred into its conv. */
  private valueOfLayer(
    layer: KerasLayer,
    sources: string[],
    res: number,
    input: string,
  ): string | undefined {
    const g = this.graph;
    const out = layer.name;
    switch (layer.class_name) {
      case "InputLayer":
        return input;
      case "Conv2D":
        return this.conv2d(layer, sources, res);
      case "Activation":
        if (layer.config.activation !== "relu")
          throw new Error(`${layer.name}: activation ${String(layer.config.activation)}`);
        return g.node("Relu", sources, out);
      case "Concatenate": {
        const axis = layer.config.axis as number;
        if (axis !== -1 && axis !== 3) throw new Error(`${layer.name}: concat on axis ${axis}`);
        return g.node("Concat", sources, out, [int("axis", 1)]);
      }
      case "Add":
        return g.node(sources.length === 2 ? "Add" : "Sum", sources, out);
      case "MultiplyBeta":
        return g.node("Mul", [sources[0] as string, g.scalar(`${out}/beta`, MULTIPLY_BETA)], out);
      case "UpSampling2D":
        return this.upsample(layer, sources, res);
      default:
        if (/^PixelShuffle\dx$/.test(layer.class_name)) {
          const s = Number(/\d/.exec(layer.class_name)?.[0]);
          this.resolution.set(layer.name, res * s);
          return g.depthToSpace(sources[0] as string, out, s);
        }
        throw new Error(`${layer.name}: no ONNX mapping for layer ${layer.class_name}`);
    }
  }

  private conv2d(layer: KerasLayer, sources: string[], res: number): string {
    const out = layer.name;
    const kernel = this.weights.get(`${layer.name}/kernel`);
    const bias = layer.config.use_bias
      ? this.weights.get(`${layer.name}/bias`).values
      : new Float32Array(kernel.shape[3] as number);
    const source = this.byName.get(inputsOf(layer)[0] as string);
    if (source?.class_name === "UpSampling2D" && this.valueFor.get(source.name) === undefined) {
      // The rewrite: the upsample was deferred into this conv (see upsample).
      const s = (source.config.size as number[])[0] as number;
      const low = lowResUpsampleConv(kernel.values, bias, kernel.shape, s);
      const lowSource = this.valueOf(inputsOf(source)[0] as string);
      this.macs += this.graph.conv(layer, lowSource, low, `${out}/lowres`) * (res / s) ** 2;
      return this.graph.depthToSpace(`${out}/lowres`, out, s);
    }
    const full = { kernel: kernel.values, bias, shape: kernel.shape };
    this.macs += this.graph.conv(layer, sources[0] as string, full, out) * res * res;
    return out;
  }

  private upsample(layer: KerasLayer, sources: string[], res: number): string | undefined {
    const out = layer.name;
    const size = layer.config.size as number[];
    const s = size[0] as number;
    if (size[1] !== s || layer.config.interpolation !== "nearest")
      throw new Error(`${layer.name}: only square nearest upsampling is mapped`);
    this.resolution.set(layer.name, res * s);
    const next = this.consumers.get(layer.name) ?? [];
    const only = next.length === 1 ? next[0] : undefined;
    const kernel = only?.class_name === "Conv2D" ? only.config.kernel_size : undefined;
    const rewritable =
      Array.isArray(kernel) &&
      kernel[0] === 3 &&
      kernel[1] === 3 &&
      only?.config.padding === "same" &&
      s >= 2;
    // Deferred: the consuming conv runs at low resolution (no value for this layer).
    if (rewritable) return undefined;
    const scales = this.graph.floatTensor(`${out}/scales`, [4], new Float32Array([1, 1, s, s]));
    return this.graph.node("Resize", [sources[0] as string, "", scales], out, [
      str("mode", "nearest"),
      str("coordinate_transformation_mode", "asymmetric"),
      str("nearest_mode", "floor"),
    ]);
  }
}

const inputsOf = (layer: KerasLayer) => (layer.inbound_nodes[0] ?? []).map((n) => n[0]);

const valueInfo = (name: string, dims: (string | number)[]) => ({
  name,
  type: {
    tensorType: {
      elemType: onnx.TensorProto.DataType.FLOAT,
      shape: {
        dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })),
      },
    },
  },
});

/** Builds the ONNX model's bytes for one generator and scale. */
export function buildOnnxModel(files: LayersModelFiles): { bytes: Uint8Array; info: GraphInfo } {
  const layers = files.modelTopology.model_config.config.layers;
  const mapper = new LayerMapper(files, layers);
  const g = mapper.graph;
  const unit = UNIT_RANGE.has(files.generator);
  let input = g.node("Transpose", [INPUT_NAME], "nchw", [ints("perm", [0, 3, 1, 2])]);
  if (unit) input = g.node("Mul", [input, g.scalar("to_unit", 1 / 255)], "nchw_unit");
  for (const layer of layers) mapper.map(layer, input);

  const outputs = files.modelTopology.model_config.config.output_layers;
  if (outputs.length !== 1) throw new Error("the model must have exactly one output");
  let last = mapper.valueOf(outputs[0]?.[0] as string);
  if (unit) last = g.node("Mul", [last, g.scalar("from_unit", 255)], "out_255");
  last = g.node("Clip", [last, g.scalar("min", 0), g.scalar("max", 255)], "clipped");
  g.node("Transpose", [last], OUTPUT_NAME, [ints("perm", [0, 2, 3, 1])]);

  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "artai-model",
    producerVersion: files.version,
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: `${files.generator}-x${files.scale}`,
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(INPUT_NAME, [1, "height", "width", 3])],
      output: [valueInfo(OUTPUT_NAME, [1, "out_height", "out_width", 3])],
    },
  });
  return {
    bytes: onnx.ModelProto.encode(model).finish(),
    info: { macsPerInputPixel: mapper.macs },
  };
}
