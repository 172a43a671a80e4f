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
