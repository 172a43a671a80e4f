/**
 * The local stand-in for CloudWatch's metric storage: per-second statistic sets (sample count,
 * sum, minimum, maximum) for each metric, kept for a little over a day and persisted under the
 * data directory, so a restart of the stack keeps the counts. Sums over a range are answered from
 * prefix sums in O(log n), so the request alarm can be evaluated on every request.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { writeAtomic } from "../util.ts";

export interface MetricId {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

export interface Datapoint {
  /** Start of the period (epoch ms). */
  timestamp: number;
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
}

/** One second of one metric: [epoch second, sample count, sum, min, max]. */
type Bucket = [number, number, number, number, number];

/** The key CloudWatch identifies a metric by: namespace, name and the exact set of dimensions. */
export const metricKey = (id: MetricId) =>
  JSON.stringify([
    id.namespace,
    id.name,
    Object.entries(id.dimensions).sort(([a], [b]) => a.localeCompare(b)),
  ]);

class Series {
  buckets: Bucket[] = [];
  /** cum[i] = sum of buckets[0..i]; cumN the same for sample counts. */
  private cum: number[] = [];
  private cumN: number[] = [];

  constructor(
    readonly id: MetricId,
    buckets: Bucket[] = [],
  ) {
    this.buckets = buckets.sort((a, b) => a[0] - b[0]);
    this.rebuild();
  }

  private rebuild() {
    this.cum = [];
    this.cumN = [];
    let s = 0;
    let n = 0;
    for (const b of this.buckets) {
      s += b[2];
      n += b[1];
      this.cum.push(s);
      this.cumN.push(n);
    }
  }

  add(second: number, value: number) {
    const last = this.buckets.at(-1);
    if (last && last[0] === second) {
      last[1] += 1;
      last[2] += value;
      last[3] = Math.min(last[3], value);
      last[4] = Math.max(last[4], value);
      this.cum[this.cum.length - 1] = (this.cum.at(-1) ?? 0) + value;
      this.cumN[this.cumN.length - 1] = (this.cumN.at(-1) ?? 0) + 1;
      return;
    }
    if (!last || last[0] < second) {
      this.buckets.push([second, 1, value, value, value]);
      this.cum.push((this.cum.at(-1) ?? 0) + value);
      this.cumN.push((this.cumN.at(-1) ?? 0) + 1);
      return;
    }
    // A sample for an earlier second (a clock that went back): rare, so rebuild.
    const existing = this.buckets.find((b) => b[0] === second);
    if (existing) {
      existing[1] += 1;
      existing[2] += value;
      existing[3] = Math.min(existing[3], value);
      existing[4] = Math.max(existing[4], value);
    } else {
      this.buckets.push([second, 1, value, value, value]);
      this.buckets.sort((a, b) => a[0] - b[0]);
    }
    this.rebuild();
  }

  /** Index of the first bucket whose second is >= `second`. */
  private lowerBound(second: number) {
    let lo = 0;
    let hi = this.buckets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.buckets[mid]?.[0] ?? 0) < second) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Sum and sample count of the seconds in [from, to). */
  total(fromSecond: number, toSecond: number) {
    const a = this.lowerBound(fromSecond);
    const b = this.lowerBound(toSecond);
    if (b <= a) return { sum: 0, sampleCount: 0 };
    return {
      sum: (this.cum[b - 1] ?? 0) - (a > 0 ? (this.cum[a - 1] ?? 0) : 0),
      sampleCount: (this.cumN[b - 1] ?? 0) - (a > 0 ? (this.cumN[a - 1] ?? 0) : 0),
    };
  }

  /** Statistic sets per `periodSeconds`, aligned to `fromSecond`; periods without data are left out. */
  datapoints(fromSecond: number, toSecond: number, periodSeconds: number): Datapoint[] {
    const out = new Map<number, Datapoint>();
    for (let i = this.lowerBound(fromSecond); i < this.buckets.length; i++) {
      const [t, n, sum, min, max] = this.buckets[i] as Bucket;
      if (t >= toSecond) break;
      const start = fromSecond + Math.floor((t - fromSecond) / periodSeconds) * periodSeconds;
      const point = out.get(start);
      if (point) {
        point.sampleCount += n;
        point.sum += sum;
        point.minimum = Math.min(point.minimum, min);
        point.maximum = Math.max(point.maximum, max);
      } else {
        out.set(start, {
          timestamp: start * 1000,
          sampleCount: n,
          sum,
          minimum: min,
          maximum: max,
        });
      }
    }
    return [...out.values()];
  }

  prune(beforeSecond: number) {
    const cut = this.lowerBound(beforeSecond);
    if (cut === 0) return false;
    this.buckets.splice(0, cut);
    this.rebuild();
    return true;
  }
}

export interface MetricStoreOptions {
  /** Where the store is persisted (JSON). */
  file: string;
  /** How long samples are kept (ms). Default 26 h: the 24-hour window plus a margin. */
  retentionMs?: number;
  /** How often a changed store is written (ms). Default 2 s; `close()` always writes. */
  flushIntervalMs?: number;
  clock?: () => number;
}

export class MetricStore {
  private readonly series = new Map<string, Series>();
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  readonly clock: () => number;
  readonly retentionMs: number;

  constructor(readonly options: MetricStoreOptions) {
    this.clock = options.clock ?? Date.now;
    this.retentionMs = options.retentionMs ?? 26 * 3_600_000;
    mkdirSync(dirname(options.file), { recursive: true });
    this.load();
    this.timer = setInterval(() => {
      if (this.dirty) void this.flush();
    }, options.flushIntervalMs ?? 2_000);
    this.timer.unref();
  }

  private load() {
    let saved: { series?: { id: MetricId; buckets: Bucket[] }[] };
    try {
      saved = JSON.parse(readFileSync(this.options.file, "utf8"));
    } catch {
      return;
    }
    for (const s of saved.series ?? []) {
      this.series.set(metricKey(s.id), new Series(s.id, s.buckets));
    }
  }

  /** Records one sample of `value` (default 1, a count) at the clock's current time. */
  put(id: MetricId, value = 1, at = this.clock()) {
    const key = metricKey(id);
    let series = this.series.get(key);
    if (!series) {
      series = new Series({ ...id, dimensions: { ...id.dimensions } });
      this.series.set(key, series);
    }
    series.add(Math.floor(at / 1000), value);
    this.dirty = true;
  }

  /** Sum and sample count of a metric over [from, to) (epoch ms, second resolution). */
  total(id: MetricId, from: number, to: number) {
    return (
      this.series.get(metricKey(id))?.total(Math.floor(from / 1000), Math.floor(to / 1000)) ?? {
        sum: 0,
        sampleCount: 0,
      }
    );
  }

  /** Datapoints of a metric over [from, to), one per `periodSeconds` aligned to `from`. */
  datapoints(id: MetricId, from: number, to: number, periodSeconds: number): Datapoint[] {
    return (
      this.series
        .get(metricKey(id))
        ?.datapoints(Math.floor(from / 1000), Math.ceil(to / 1000), periodSeconds) ?? []
    );
  }

  /** Writes the store (dropping samples past retention); concurrent calls are serialised. */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const cutoff = Math.floor((this.clock() - this.retentionMs) / 1000);
      for (const s of this.series.values()) s.prune(cutoff);
      this.dirty = false;
      const series = [...this.series.values()].map((s) => ({ id: s.id, buckets: s.buckets }));
      await writeAtomic(this.options.file, JSON.stringify({ version: 1, series }));
    });
    return this.writing;
  }

  async close() {
    clearInterval(this.timer);
    await this.flush();
  }
}
