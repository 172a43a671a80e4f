/**
 * Draws the benchmark charts from results.json: ECharts renders each one to SVG on the server
 * (no browser, no canvas), and sharp turns the SVG into a PNG. Runs in its own process.
 *
 *   node --import tsx bench/charts.ts docs/benchmarks/results.json docs/benchmarks
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as echarts from "echarts";
import sharp from "sharp";
import type { Breakdown } from "./jobs.ts";
import type { Results } from "./run.ts";

const [jsonPath, outDir] = process.argv.slice(2);
if (!jsonPath || !outDir) throw new Error("usage: charts.ts <results.json> <out dir>");
const results = JSON.parse(readFileSync(jsonPath, "utf8")) as Results;

const WIDTH = 900;
const HEIGHT = 460;
const FONT = "DejaVu Sans, Liberation Sans, sans-serif";

/** The parts of a job's time, in the order they happen, with one colour each. */
export const PARTS: { key: keyof Breakdown; name: string; color: string }[] = [
  { key: "queueMs", name: "S3 event + queue", color: "#9ca3af" },
  { key: "databaseMs", name: "database", color: "#f59e0b" },
  { key: "objectStoreMs", name: "object store", color: "#10b981" },
  { key: "workerCodecsMs", name: "worker code", color: "#06b6d4" },
  { key: "modelCodecsMs", name: "model codecs", color: "#8b5cf6" },
  { key: "modelComputeMs", name: "model compute", color: "#2563eb" },
  { key: "modelTransportMs", name: "model transport", color: "#ec4899" },
  { key: "visibilityMs", name: "until the client sees it", color: "#ef4444" },
];

async function save(name: string, option: echarts.EChartsOption) {
  const chart = echarts.init(null, null, {
    renderer: "svg",
    ssr: true,
    width: WIDTH,
    height: HEIGHT,
  });
  chart.setOption({
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: FONT },
    ...option,
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  const png = await sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
  writeFileSync(join(outDir as string, name), png);
  process.stdout.write(`CHART ${name}\n`);
}

const seconds = (ms: number) => Math.round(ms / 10) / 100;

function stacked(
  title: string,
  subtitle: string,
  categories: string[],
  breakdowns: Breakdown[],
  xName: string,
  extra: echarts.SeriesOption[] = [],
): echarts.EChartsOption {
  return {
    title: { text: title, subtext: subtitle, left: "center" },
    legend: { bottom: 0, type: "plain", itemWidth: 14, itemGap: 28 },
    grid: { left: 70, right: 30, top: 80, bottom: 125 },
    xAxis: { type: "category", data: categories, name: xName, nameLocation: "middle", nameGap: 28 },
    yAxis: { type: "value", name: "seconds", nameLocation: "middle", nameGap: 45 },
    series: [
      ...PARTS.map(
        (part): echarts.SeriesOption => ({
          type: "bar",
          stack: "job",
          name: part.name,
          itemStyle: { color: part.color },
          data: breakdowns.map((b) => seconds(b[part.key] ?? 0)),
        }),
      ),
      ...extra,
    ],
  };
}

const machine = `${results.machine.cores} cores, Node ${results.machine.node}, ${results.machine.date.slice(0, 10)}`;

if (results.growth) {
  const { bySize, byVariations } = results.growth;
  await save(
    "growth-size.png",
    stacked(
      `Job time vs upload size (${bySize.variations} variation${bySize.variations === 1 ? "" : "s"}, median)`,
      `upload complete → job seen succeeded; ${machine}`,
      bySize.points.map((p) => `${p.x} MP`),
      bySize.points.map((p) => p.breakdown),
      "upload size",
    ),
  );
  // Model-only time of a 4-variation job, scaled to n variations (they are rendered one by one).
  const engineJobs = results.pipeline
    ? [...results.pipeline.engineJobMs].sort((a, b) => a - b)
    : [];
  const engineJob = engineJobs[Math.floor((engineJobs.length - 1) / 2)];
  const engineMedian = engineJob === undefined ? undefined : engineJob / 4;
  await save(
    "growth-variations.png",
    stacked(
      `Job time vs number of variations (${byVariations.photo}, median)`,
      `upload complete → seen succeeded; line: model alone for the same work; ${machine}`,
      byVariations.points.map((p) => String(p.x)),
      byVariations.points.map((p) => p.breakdown),
      "variations",
      engineMedian === undefined
        ? []
        : [
            {
              type: "line",
              name: "model only (4-variation time × n/4)",
              itemStyle: { color: "#111827" },
              lineStyle: { type: "dashed", width: 2 },
              data: byVariations.points.map((p) => seconds(engineMedian * p.x)),
            },
          ],
    ),
  );
}

if (results.model) {
  const cases = results.model.cases;
  await save("model-latency.png", {
    title: {
      text: "Model: time per variation (median)",
      subtext: `container: a request for 1 variation; engine: its model step; bare: tfjs predict and ONNX pass; ${machine}`,
      left: "center",
    },
    legend: { bottom: 0, itemWidth: 14, itemGap: 36 },
    grid: { left: 70, right: 30, top: 80, bottom: 80 },
    xAxis: {
      type: "category",
      data: cases.map((c) => `${c.longSide} px`),
      name: "output long side",
      nameLocation: "middle",
      nameGap: 30,
    },
    yAxis: { type: "value", name: "seconds", nameLocation: "middle", nameGap: 45 },
    series: (
      [
        ["container (per variation)", "#2563eb", (c) => c.summary.p50, true],
        ["engine (generator + perturbation)", "#8b5cf6", (c) => c.engineSummary.p50, false],
        ["bare tfjs predict (old runtime)", "#9ca3af", (c) => c.bareSummary.p50, true],
        ["bare ONNX pass", "#10b981", (c) => c.bareOnnxSummary?.p50 ?? Number.NaN, false],
      ] as [string, string, (c: (typeof cases)[number]) => number, boolean][]
    ).map(([name, color, p50, labelled]) => ({
      type: "bar",
      name,
      itemStyle: { color },
      data: cases.map((c) => seconds(p50(c))),
      ...(labelled ? { label: { show: true, position: "top", formatter: "{c} s" } } : {}),
    })),
  });
}

if (results.pipeline) {
  const p = results.pipeline;
  const engineJobs = [...p.engineJobMs].sort((a, b) => a - b);
  const engineJob = engineJobs[Math.floor((engineJobs.length - 1) / 2)] ?? 0;
  const option = stacked(
    "Where one job's time goes (4 variations of a 512 px photo, median)",
    `model only: the model's own worker, same work, own process; ${machine}`,
    ["end to end (1 job alone)", "model only"],
    [
      p.single.breakdown,
      Object.fromEntries(PARTS.map((part) => [part.key, 0])) as unknown as Breakdown,
    ],
    "",
    [
      {
        type: "bar",
        stack: "job",
        name: "model only (own process)",
        itemStyle: { color: "#111827" },
        data: ["-", seconds(engineJob)],
        label: { show: true, position: "top", formatter: "{c} s" },
      },
    ],
  );
  await save("pipeline-breakdown.png", {
    ...option,
    series: option.series,
    barWidth: "45%",
  } as echarts.EChartsOption);
}
