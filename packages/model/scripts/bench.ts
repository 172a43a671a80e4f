/**
 * Speed benchmark of the model server, started as a child process exactly as in the container.
 * Prints and records in docs/model.md:
 *  - median and p95 time per variation at 256, 512 and 1024 px long side (one-variation requests),
 *  - throughput with 1, 2 and 4 concurrent requests (4 variations at 512 px each),
 *  - model-only time (the worker's perturb + generator time) against the whole /invocations time,
 *  - the server's peak RSS.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { STYLE_IDS } from "../src/engine/styles/index.ts";
import { packageDir, replaceSection, startServerProcess } from "./server-process.ts";

const docPath = join(packageDir, "..", "..", "docs", "model.md");
const photo = readFileSync(join(packageDir, "eval", "photos", "coffee.png"));
const quick = process.argv.includes("--quick");
/** Only the style table (and nothing is written to docs/model.md). */
const stylesOnly = process.argv.includes("--styles");

interface Timed {
  generator: string;
  wallMs: number;
  modelMs: number;
  decodeMs: number;
  encodeMs: number;
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main() {
  const load = loadavg()[0] ?? 0;
  const server = await startServerProcess();
  const invoke = async (body: Buffer, attributes: string): Promise<Timed> => {
    const started = performance.now();
    const response = await fetch(`${server.url}/invocations`, {
      method: "POST",
      body,
      headers: { "content-type": "image/png", "x-amzn-sagemaker-custom-attributes": attributes },
    });
    const json = (await response.json()) as {
      timings: Omit<Timed, "wallMs" | "generator">;
      variations: { recipe: string }[];
    };
    if (response.status !== 200) throw new Error(`${response.status} ${JSON.stringify(json)}`);
    const generator = /generator=([^;]+)/.exec(json.variations[0]?.recipe ?? "")?.[1] ?? "?";
    return { generator, wallMs: performance.now() - started, ...json.timings };
  };
  const inputs: Record<number, Buffer> = {};
  for (const side of [256, 512, 1024])
    inputs[side] = await sharp(photo)
      .resize(side, side, { fit: "inside", kernel: "lanczos3" })
      .png()
      .toBuffer();

  const lines: string[] = [];
  const print = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  try {
    print(
      `Measured by \`pnpm --filter @artai/model bench\` on ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), ` +
        `2 model workers; the machine was shared with other work (1-min load average ${load.toFixed(2)} at the start).`,
    );
    print("");
    print(
      "Time per variation (requests of 1 variation; wall = client-side time of the whole request):",
    );
    print("");
    print(
      "| long side | strength | generator | wall median | wall p95 | model median | overhead (wall - model) / model |",
    );
    print("| --- | --- | --- | --- | --- | --- | --- |");
    const overheads512: number[] = [];
    for (const side of stylesOnly ? [] : [256, 512, 1024]) {
      for (const strength of ["subtle", "strong"]) {
        const reps = quick ? 2 : side === 1024 ? 5 : 10;
        const input = inputs[side] as Buffer;
        await invoke(input, `variations=1;strength=${strength};seed=999`); // warm-up
        const runs: Timed[] = [];
        for (let i = 0; i < reps; i++)
          runs.push(await invoke(input, `variations=1;strength=${strength};seed=${i}`));
        const wall = runs.map((r) => r.wallMs);
        const model = runs.map((r) => r.modelMs);
        const overhead = median(runs.map((r) => (r.wallMs - r.modelMs) / r.modelMs));
        if (side === 512) overheads512.push(overhead);
        print(
          `| ${side} px | ${strength} | ${runs[0]?.generator} | ${median(wall).toFixed(0)} ms | ${quantile(wall, 0.95).toFixed(0)} ms | ${median(model).toFixed(0)} ms | ${(overhead * 100).toFixed(1)} % |`,
        );
      }
    }
    print("");
    print(
      "Per style (requests of 1 variation; budget: 1.5 s per 512 px variation, 4 s per 1024 px, on 2 idle cores):",
    );
    print("");
    print(
      "| style | long side | strength | wall median | wall p95 | model median | within budget |",
    );
    print("| --- | --- | --- | --- | --- | --- | --- |");
    for (const style of STYLE_IDS.filter((id) => id !== "surprise"))
      for (const side of [512, 1024])
        for (const strength of ["subtle", "strong"]) {
          const reps = quick ? 2 : side === 1024 ? 4 : 6;
          const input = inputs[side] as Buffer;
          const attributes = (seed: number) =>
            `variations=1;strength=${strength};seed=${seed};style=${style}`;
          await invoke(input, attributes(999)); // warm-up
          const runs: Timed[] = [];
          for (let i = 0; i < reps; i++) runs.push(await invoke(input, attributes(i)));
          const wall = median(runs.map((r) => r.wallMs));
          const budget = side === 512 ? 1500 : 4000;
          print(
            `| ${style} | ${side} px | ${strength} | ${wall.toFixed(0)} ms | ${quantile(
              runs.map((r) => r.wallMs),
              0.95,
            ).toFixed(
              0,
            )} ms | ${median(runs.map((r) => r.modelMs)).toFixed(0)} ms | ${wall <= budget ? "yes" : "no"} |`,
          );
        }
    print(`1-min load average after the style table: ${(loadavg()[0] ?? 0).toFixed(2)}.`);
    if (stylesOnly) return;
    print("");
    print(
      "Throughput (requests of 4 subtle variations at 512 px; interleaved rounds of 2, 4 and 4 requests):",
    );
    print("");
    print("| concurrent requests | variations/s in each round | median | vs 1 request |");
    print("| --- | --- | --- | --- |");
    // The machine may be shared: the concurrency levels are interleaved in rounds, and each
    // level's rate is the median over the rounds, so drifting outside load does not tilt the ratios.
    const throughput = async (concurrency: number, total: number) => {
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) {
            const i = next++;
            await invoke(inputs[512] as Buffer, `variations=4;strength=subtle;seed=${1000 + i}`);
          }
        }),
      );
      return (total * 4) / ((performance.now() - started) / 1000);
    };
    const rounds = quick ? 1 : 3;
    const levels = [
      { concurrency: 1, total: 2 },
      { concurrency: 2, total: 4 },
      { concurrency: 4, total: 4 },
    ];
    const rates = levels.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++)
      for (const [i, level] of levels.entries())
        rates[i]?.push(
          await throughput(level.concurrency, quick ? level.concurrency : level.total),
        );
    const single = median(rates[0] ?? []);
    for (const [i, level] of levels.entries()) {
      const rate = median(rates[i] ?? []);
      print(
        `| ${level.concurrency} | ${(rates[i] ?? []).map((r) => r.toFixed(2)).join(", ")} | ${rate.toFixed(2)} | ${(rate / single).toFixed(2)}x |`,
      );
    }
    print("");
    print(
      `Model-only vs whole /invocations at 512 px: HTTP + decode + encode overhead is ${overheads512.map((o) => `${(o * 100).toFixed(1)} %`).join(" (subtle) and ")} (strong) of model time (median).`,
    );
    print(
      `Peak RSS of the server process (main thread + 2 workers): ${server.peakRssMiB().toFixed(0)} MiB.`,
    );
    print(`1-min load average at the end: ${(loadavg()[0] ?? 0).toFixed(2)}.`);
  } finally {
    await server.stop();
  }
  if (!quick && !stylesOnly) {
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
