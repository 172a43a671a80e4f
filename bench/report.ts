/**
 * Writes docs/benchmarks.md from one run's results: how it was run, the targets, a section per
 * part (report-sections.ts), the bottlenecks (report-targets.ts) and how to run it again.
 */
import { writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { sections } from "./report-sections.ts";
import { bottlenecks, targets } from "./report-targets.ts";
import type { Results } from "./run.ts";

export function writeReport(
  results: Results,
  out: { path: string; charts: string[]; assetsDir: string },
) {
  const rel = (file: string) => relative(dirname(out.path), `${out.assetsDir}/${file}`);
  const chart = (file: string, alt: string) =>
    out.charts.includes(file) ? `\n![${alt}](${rel(file)})\n` : "";
  const m = results.machine;
  const loads = results.load.map((l) => l.load1);
  const maxLoad = Math.max(...loads, ...m.loadAverageAtStart);
  const meanLoad = loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length);
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);

  push(
    "# Benchmarks",
    "",
    `Produced by \`${results.command}\` (from the repository root) on ${m.date.slice(0, 16).replace("T", " ")} UTC, in **${results.durationS.toFixed(0)} s** in all. Every figure below comes from that one run on one machine; comparisons are ratios of figures from the same run. Raw samples, the machine's facts and the load average over the run are in [\`benchmarks/results.json\`](${rel("results.json")}).`,
    "",
    `**Machine:** ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}.`,
    "",
    `**Noise:** the machine is shared with other people's work. The one-minute load average (which counts this bench's own processes too) was ${m.loadAverageAtStart[0]} at the start, ${meanLoad.toFixed(1)} on average during the run and ${maxLoad.toFixed(1)} at most, on ${m.cores} cores. ${othersNote(results)}`,
    "",
    "The bench starts its own stack (temporary data directory, free ports): the model container as a child process, the local S3, dynalite, the queue with its event source mapping, the SageMaker Runtime front, the API behind the API Gateway adapter, and Next.js in production mode. It drives jobs only through the public API and a browser-style upload, and reads where the time goes from outside the application code: the timestamps each job records, the HTTP calls the worker makes (Node's `http.client` diagnostics channels), and the `timings` the model container returns (read by a pass-through in front of it).",
    "",
  );

  const failed = Object.entries(results.failures ?? {});
  if (failed.length > 0) {
    push(
      "**Not measured in this run** (the part failed; the other parts are complete):",
      "",
      ...failed.map(([part, message]) => `- ${part}: ${message}`),
      "",
    );
  }
  push(
    "## Targets",
    "",
    "| target (2 cores) | measured | met? |",
    "| --- | --- | --- |",
    ...targets(results).map(
      (t) => `| ${t.name} | ${t.measured} | ${t.met ? "**yes**" : "**no**"} |`,
    ),
    "",
  );

  push(...sections(results, chart));

  const notes = bottlenecks(results, meanLoad);
  push("## Bottlenecks", "");
  push(...(notes.length > 0 ? notes : ["Every target was met in this run."]), "");

  push(
    "## Running it",
    "",
    "```sh",
    "pnpm bench                 # the full run, under 10 minutes on 2 cores; rewrites this file",
    "pnpm bench --quick         # fewer samples, to try the bench itself",
    "pnpm bench --only model,api --out /tmp/bench",
    "```",
    "",
    `Time per part in this run: ${Object.entries(results.partDurationsS)
      .map(([k, v]) => `${k} ${v} s`)
      .join(", ")}.`,
    "",
  );
  writeFileSync(
    out.path,
    `${lines.filter((l, i, a) => !(l === "" && a[i - 1] === "")).join("\n")}`,
  );
}

/** What the other processes on the machine took while ArtAI's concurrency was measured. */
function othersNote(results: Results): string {
  const seen = [
    results.model ? results.model.concurrent.cpu.others : undefined,
    results.pipeline ? results.pipeline.concurrent.cpu.others : undefined,
  ].filter((n): n is number => n !== undefined && Number.isFinite(n));
  if (seen.length === 0) return "";
  const most = Math.max(...seen);
  return most > 0.2
    ? `While both cores were meant to be ArtAI's (the concurrency measurements), other processes took up to ${most.toFixed(2)} cores, so absolute times are slower than on an idle machine; the ratios, taken from samples measured in turns, are the figures to trust.`
    : `While both cores were meant to be ArtAI's (the concurrency measurements), other processes took at most ${most.toFixed(2)} cores, so this run was close to having the machine to itself.`;
}
