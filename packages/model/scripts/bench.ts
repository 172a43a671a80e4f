/**
 * Speed benchmark of the model, written into docs/model.md ("bench" section). In one run, with
 * the compared figures taken in interleaved rounds (the machine is shared):
 *  1. one generator pass: TF.js wasm (the old runtime) against the ONNX graph on 1 and 2 intra-op
 *     threads and on 2 single-threaded sessions at once, for each generator, with GFLOP/s against
 *     the CPU's peak;
 *  2. the model server (a child process started as in the container): time per variation at 256,
 *     512 and 1024 px; a 4-variation 512 px job against the bare ONNX compute of its 4 passes;
 *     8 such jobs at once against the bare ONNX throughput; peak RSS.
 *
 *   pnpm --filter @artai/model bench             # everything (about 3 min on 2 idle cores)
 *   pnpm --filter @artai/model bench -- --quick  # one round, nothing written
 */
import { readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { type GeneratorName, loadGenerator, type Scale } from "../src/engine/generator.ts";
import { generatorScale } from "../src/engine/scale.ts";
import { GENERATOR_FOR } from "../src/engine/strength.ts";
import { STYLE_IDS } from "../src/engine/styles/index.ts";
import { outputSize } from "../src/image.ts";
import { startBareOnnx } from "../src/reference/bare-onnx.ts";
import { cpuPeak } from "../src/reference/cpu-peak.ts";
import { loadTfjsGenerator } from "../src/reference/tfjs.ts";
import { resolveThreads } from "../src/server.ts";
import { packageDir, replaceSection, startServerProcess } from "./server-process.ts";

const docPath = join(packageDir, "..", "..", "docs", "model.md");
const photo = readFileSync(join(packageDir, "eval", "photos", "coffee.png"));
const quick = process.argv.includes("--quick");
/** Only the per-style table (`-- --styles`); nothing is written to docs/model.md. */
const stylesOnly = process.argv.includes("--styles");

type Invoke = (body: Buffer, attributes: string) => Promise<{ wallMs: number; modelMs: number }>;

/** Every style at 512 and 1024 px, both strengths, against the budget of issue "Styles". */
async function styleTable(
  invoke: Invoke,
  inputs: Record<number, Buffer>,
  print: (l?: string) => void,
) {
  print();
  print(
    "Per style (requests of 1 variation; budget: 1.5 s per 512 px variation and 4 s per 1024 px on 2 idle cores):",
  );
  print();
  print("| style | long side | strength | wall median | wall max | model median | within budget |");
  print("| --- | --- | --- | --- | --- | --- | --- |");
  for (const style of STYLE_IDS.filter((id) => id !== "surprise"))
    for (const side of [512, 1024])
      for (const strength of ["subtle", "strong"]) {
        const reps = quick ? 2 : side === 1024 ? 4 : 6;
        const input = inputs[side] as Buffer;
        const attributes = (seed: number) =>
          `variations=1;strength=${strength};seed=${seed};style=${style}`;
        await invoke(input, attributes(999)); // warm-up
        const runs = [];
        for (let i = 0; i < reps; i++) runs.push(await invoke(input, attributes(i)));
        const wall = median(runs.map((r) => r.wallMs));
        const budget = side === 512 ? 1500 : 4000;
        print(
          `| ${style} | ${side} px | ${strength} | ${ms(wall)} | ${ms(Math.max(...runs.map((r) => r.wallMs)))} | ${ms(median(runs.map((r) => r.modelMs)))} | ${wall <= budget ? "yes" : "no"} |`,
        );
      }
  print(`1-min load average after the style table: ${(loadavg()[0] ?? 0).toFixed(2)}.`);
}
const cores = availableParallelism();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? (s[m] as number)
      : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** The generator's padded input for an output of long side `side` (what one pass really runs on). */
function passSize(side: number, aspect: number): { width: number; height: number; scale: Scale } {
  const target = outputSize(side, Math.round(side * aspect));
  const scale = generatorScale(Math.max(target.width, target.height));
  const lw = Math.round(target.width / scale);
  const lh = Math.round(target.height / scale);
  return { width: lw + 8, height: lh + 8, scale };
}

type Print = (line?: string) => void;
interface Timings {
  wallMs: number;
  modelMs: number;
  decodeMs: number;
  encodeMs: number;
}

/** One request to the model server's /invocations, timed by the client. */
function invoker(url: string): (body: Buffer, attributes: string) => Promise<Timings> {
  return async (body, attributes) => {
    const started = performance.now();
    const response = await fetch(`${url}/invocations`, {
      method: "POST",
      body,
      headers: { "content-type": "image/png", "x-amzn-sagemaker-custom-attributes": attributes },
    });
    const json = (await response.json()) as { timings: Omit<Timings, "wallMs"> };
    if (response.status !== 200) throw new Error(`${response.status} ${JSON.stringify(json)}`);
    return { wallMs: performance.now() - started, ...json.timings };
  };
}

/** The photo, fitted inside a square of each side (sharp's default kernel, lanczos3). */
async function photoAt(sides: number[]): Promise<Record<number, Buffer>> {
  const inputs: Record<number, Buffer> = {};
  for (const side of sides)
    inputs[side] = await sharp(photo).resize(side, side, { fit: "inside" }).png().toBuffer();
  return inputs;
}

const time = async (f: () => Promise<unknown>) => {
  const s = performance.now();
  await f();
  return performance.now() - s;
};

/** 1. One generator pass, each runtime in turn within every round. */
async function passTable(print: Print, aspect: number, peakGflops: number) {
  print();
  print(
    "One generator pass on the padded input of a 512 px photo (x3) and of a 1024 px photo (x4); median of interleaved rounds; GFLOP/s from the graph's multiply-accumulates (2 FLOP each) over the wall time:",
  );
  print();
  print(
    "| generator | input | TF.js wasm, 1 thread | ONNX, 1 thread | ONNX, 2 threads | ONNX, 2 sessions at once (per pass) | best GFLOP/s | of peak |",
  );
  print("| --- | --- | --- | --- | --- | --- | --- | --- |");
  const passCases: { name: GeneratorName; side: number }[] = [
    { name: "esrgan-slim", side: 512 },
    { name: "esrgan-slim", side: 1024 },
    { name: "esrgan-medium", side: 512 },
    { name: "esrgan-medium", side: 1024 },
    { name: "esrgan-thick", side: 512 },
  ];
  for (const { name, side } of passCases) {
    const { width, height, scale } = passSize(side, aspect);
    const rgb = Float32Array.from({ length: width * height * 3 }, (_, i) => (i * 37) % 256);
    const one = await loadGenerator(name, scale, { threads: 1 });
    const two = await loadGenerator(name, scale, { threads: 2 });
    const pair = await startBareOnnx({ generator: name, scale, sessions: 2, threads: 1 });
    // TF.js takes tens of seconds per pass on thick and on medium at 1024 px; those are skipped.
    const skipTfjs = name === "esrgan-thick" || (name === "esrgan-medium" && side === 1024);
    const tfjs = skipTfjs ? null : await loadTfjsGenerator(name, scale);
    const rounds = quick ? 1 : name === "esrgan-thick" ? 2 : side === 1024 ? 3 : 5;
    const t = {
      tfjs: [] as number[],
      one: [] as number[],
      two: [] as number[],
      pair: [] as number[],
    };
    await one.predict?.(rgb, width, height);
    await two.predict?.(rgb, width, height);
    await pair.run(width, height, 2);
    if (tfjs) await tfjs.predict?.(rgb, width, height);
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? [0, 1, 2, 3] : [3, 2, 1, 0];
      for (const k of order) {
        if (k === 0 && tfjs)
          t.tfjs.push(await time(() => tfjs.predict?.(rgb, width, height) as Promise<unknown>));
        if (k === 1)
          t.one.push(await time(() => one.predict?.(rgb, width, height) as Promise<unknown>));
        if (k === 2)
          t.two.push(await time(() => two.predict?.(rgb, width, height) as Promise<unknown>));
        if (k === 3) t.pair.push((await pair.run(width, height, 2)) / 2);
      }
    }
    const gflop = (2 * (one.macsPerInputPixel ?? 0) * width * height) / 1e9;
    const best = Math.min(median(t.one), median(t.two), median(t.pair));
    print(
      `| ${name} x${scale} | ${width}×${height} (${gflop.toFixed(1)} GFLOP) | ${tfjs ? ms(median(t.tfjs)) : "not run"} | ${ms(median(t.one))} | ${ms(median(t.two))} | ${ms(median(t.pair))} | ${(gflop / (best / 1000)).toFixed(0)} | ${((100 * gflop) / (best / 1000) / peakGflops).toFixed(0)} % |`,
    );
    await Promise.all([one.dispose?.(), two.dispose?.(), pair.close(), tfjs?.dispose?.()]);
  }
}

/** 2. Time per variation through the server, requests of 1 variation. */
async function variationTable(invoke: Invoke, inputs: Record<number, Buffer>, print: Print) {
  const config = resolveThreads(cores);
  print();
  print(
    `The model server (child process as in the container: ${config.workers} worker × ${config.threads} ONNX Runtime threads; subtle → ${GENERATOR_FOR.subtle[3]}, strong → ${GENERATOR_FOR.strong[3]} at x3 and ${GENERATOR_FOR.strong[4]} at x4). Time per variation, requests of 1 variation (wall = the client's whole request; model = the worker's perturbation + generator + detail layer):`,
  );
  print();
  print("| long side | strength | wall median | model median |");
  print("| --- | --- | --- | --- |");
  for (const side of [256, 512, 1024]) {
    for (const strength of ["subtle", "strong"]) {
      const reps = quick ? 2 : side === 1024 ? 5 : 10;
      const input = inputs[side] as Buffer;
      await invoke(input, `variations=1;strength=${strength};seed=999`);
      const runs = [];
      for (let i = 0; i < reps; i++)
        runs.push(await invoke(input, `variations=1;strength=${strength};seed=${i}`));
      print(
        `| ${side} px | ${strength} | ${ms(median(runs.map((r) => r.wallMs)))} | ${ms(median(runs.map((r) => r.modelMs)))} |`,
      );
    }
  }
}

/**
 * 3. A job (4 variations at 512 px) against the bare ONNX compute of the same 4 passes, and 8
 * jobs at once against the bare throughput, in alternating turns.
 */
async function jobFigures(invoke: Invoke, photo512: Buffer, aspect: number, print: Print) {
  const { width, height, scale } = passSize(512, aspect);
  const bare = await startBareOnnx({
    generator: GENERATOR_FOR.subtle[scale as 3 | 4],
    scale,
    sessions: cores,
    threads: 1,
  });
  await bare.run(width, height, cores);
  const job: number[] = [];
  const bareJob: number[] = [];
  const crowd: number[] = [];
  const bareCrowd: number[] = [];
  const rounds = quick ? 1 : 3;
  let seed = 100;
  const runJob = () => invoke(photo512, `variations=4;strength=subtle;seed=${seed++}`);
  await runJob();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 3; i++) {
      if ((r + i) % 2 === 0) {
        job.push((await runJob()).wallMs);
        bareJob.push(await bare.run(width, height, 4));
      } else {
        bareJob.push(await bare.run(width, height, 4));
        job.push((await runJob()).wallMs);
      }
    }
    crowd.push(await time(() => Promise.all(Array.from({ length: 8 }, runJob))));
    bareCrowd.push(await bare.run(width, height, 32));
  }
  await bare.close();
  const jobMs = median(job);
  const bareMs = median(bareJob);
  const crowdMs = median(crowd);
  const bareCrowdMs = median(bareCrowd);
  print();
  print(
    `A job: 4 subtle variations of the 512 px photo, one request (decode, 4 × perturb + generator + detail, WebP encodes) **${ms(jobMs)}** (rounds: ${job.map((x) => x.toFixed(0)).join(", ")}) against the bare ONNX compute of the same 4 passes (${width}×${height}, ${cores} single-threaded sessions at once, the fastest way to run 4) **${ms(bareMs)}**: **${(jobMs / bareMs).toFixed(2)}×**.`,
  );
  print(
    `8 such jobs at once: ${ms(crowdMs)}, ${((8 * 1000) / crowdMs).toFixed(2)} jobs/s, against ${((8 * 1000) / bareCrowdMs).toFixed(2)} jobs/s of bare ONNX compute (32 passes in ${ms(bareCrowdMs)}): **${(bareCrowdMs / crowdMs).toFixed(2)}×** the bare throughput.`,
  );
}

async function main() {
  const loadStart = loadavg()[0] ?? 0;
  const meta = await sharp(photo).metadata();
  const aspect = (meta.height ?? 1) / (meta.width ?? 1);
  const peak = cpuPeak();
  const lines: string[] = [];
  const print = (line = "") => {
    console.log(line);
    lines.push(line);
  };
  const loads: number[] = [];
  const sampleLoad = setInterval(() => loads.push(loadavg()[0] ?? 0), 5000);
  print(
    `Measured by \`pnpm --filter @artai/model bench\` on ${cores} cores (${cpus()[0]?.model ?? "unknown CPU"}); CPU peak: ${peak.how}. The machine was shared with other work: 1-min load average ${loadStart.toFixed(2)} at the start.`,
  );
  if (!stylesOnly) await passTable(print, aspect, peak.gflops);

  // The server, as in the container.
  const server = await startServerProcess();
  const invoke = invoker(server.url);
  try {
    if (stylesOnly) {
      await styleTable(invoke, await photoAt([512, 1024]), print);
      return;
    }
    const inputs = await photoAt([256, 512, 1024]);
    await variationTable(invoke, inputs, print);
    await styleTable(invoke, inputs, print);
    await jobFigures(invoke, inputs[512] as Buffer, aspect, print);
    const { workers } = resolveThreads(cores);
    print(
      `Peak RSS of the server process (main thread + ${workers} worker, with the sessions of every generator and scale in use): **${server.peakRssMiB().toFixed(0)} MiB**.`,
    );
    clearInterval(sampleLoad);
    print(
      `1-min load average during the run: ${Math.min(...loads, loadStart).toFixed(2)}–${Math.max(...loads, loadStart).toFixed(2)}, ${(loadavg()[0] ?? 0).toFixed(2)} at the end (${cores} cores; above ${cores} the figures include waiting for other work).`,
    );
  } finally {
    clearInterval(sampleLoad);
    await server.stop();
  }
  if (!quick) {
    let doc = "";
    try {
      doc = readFileSync(docPath, "utf8");
    } catch {
      doc = "# The ArtAI model\n";
    }
    writeFileSync(docPath, replaceSection(doc, "bench", lines.join("\n")));
    console.log(`updated ${docPath}`);
  }
}

await main();
