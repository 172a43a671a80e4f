/** Small statistics and machine facts for the benchmark report. */
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";

/** Nearest-rank percentile (p in 0..100) of the samples; NaN for none. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

export function summarize(samples: number[]): Summary {
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    min: Math.min(...samples),
    max: Math.max(...samples),
    mean: samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length),
  };
}

export const round = (n: number, digits = 0) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** Peak resident set size of a process in bytes (VmHWM), from /proc (Linux). */
export function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Measures how many cores a process kept busy while `fn` ran: CPU seconds ÷ wall seconds. */
export async function coresUsed<T>(
  pid: number,
  fn: () => Promise<T>,
): Promise<{ result: T; cores: number; wallMs: number; cpuMs: number }> {
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const result = await fn();
  const wallMs = performance.now() - t0;
  const cpuMs = (cpuSeconds(pid) - cpu0) * 1000;
  return { result, cores: cpuMs / wallMs, wallMs, cpuMs };
}

export function machine() {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model ?? "unknown",
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    loadAverageAtStart: loadavg().map((n) => round(n, 2)),
  };
}

export const load = () => loadavg().map((n) => round(n, 2));

/**
 * A time budget for one part of the bench, so the whole run stays under its limit on a busy
 * machine: loops take at least `min` samples, then more up to `max` while time is left.
 */
export class Budget {
  private readonly deadline: number;
  constructor(seconds: number) {
    this.deadline = performance.now() + seconds * 1000;
  }
  /** A budget for a share (0..1) of the time that is left now. */
  share(fraction: number): Budget {
    return new Budget((Math.max(0, this.deadline - performance.now()) * fraction) / 1000);
  }
  more(done: number, min: number, max: number): boolean {
    return done < max && (done < min || performance.now() < this.deadline);
  }
}

/** How a budgeted part of the bench samples its points, and where it says how far it got. */
export interface Sampling {
  /** Samples per point: at least `min`, up to `max` while the budget lasts. */
  reps: { min: number; max: number };
  budget: Budget;
  progress: (line: string) => void;
}

/** Busy and total CPU time of the whole machine so far, in seconds, from /proc/stat (Linux). */
function machineCpu(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

export interface CpuSplit {
  /** Cores the whole machine kept busy on average. */
  machine: number;
  /** Cores the bench's own process used (API, worker, local S3, dynalite, the bench itself). */
  stack: number;
  /** Cores the model container used. */
  model: number;
  /** Everything else on the machine: other people's work on a shared machine. */
  others: number;
}

/** Runs `fn` and says how the machine's CPU was shared meanwhile, in cores. */
export async function cpuSplit<T>(
  modelPid: number,
  fn: () => Promise<T>,
): Promise<{ result: T; split: CpuSplit; wallMs: number }> {
  const m0 = machineCpu();
  const s0 = process.cpuUsage();
  const p0 = cpuSeconds(modelPid);
  const t0 = performance.now();
  const result = await fn();
  const wallS = (performance.now() - t0) / 1000;
  const m1 = machineCpu();
  const s = process.cpuUsage(s0);
  const machine = (m1.busy - m0.busy) / wallS;
  const stack = (s.user + s.system) / 1e6 / wallS;
  const model = (cpuSeconds(modelPid) - p0) / wallS;
  return {
    result,
    split: { machine, stack, model, others: Math.max(0, machine - stack - model) },
    wallMs: wallS * 1000,
  };
}
