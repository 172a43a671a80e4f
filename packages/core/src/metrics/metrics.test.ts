import { afterEach, describe, expect, it, vi } from "vitest";
import { hourly, jobCreated, jobFinished, NAMESPACE, percentiles } from "./index.ts";

/** Captures what Powertools Metrics writes to stdout (one EMF JSON document per publish). */
function captureEmf(work: () => void) {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    work();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((l) => l.split("\n"))
    .filter((l) => l.includes('"_aws"'))
    .map(
      (l) =>
        JSON.parse(l) as Record<string, unknown> & {
          _aws: {
            CloudWatchMetrics: {
              Namespace: string;
              Dimensions: string[][];
              Metrics: { Name: string; Unit: string }[];
            }[];
          };
        },
    );
}

describe("job metrics (embedded metric format)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("emits JobsCreated as a Count in the ArtAI namespace with the service dimension", () => {
    const [doc, ...rest] = captureEmf(() => jobCreated());
    expect(rest).toHaveLength(0);
    expect(doc?.JobsCreated).toBe(1);
    expect(doc?.service).toBe("artai");
    const directive = doc?._aws.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe(NAMESPACE);
    expect(directive?.Dimensions).toEqual([["service"]]);
    expect(directive?.Metrics).toEqual([{ Name: "JobsCreated", Unit: "Count" }]);
  });

  it("emits the outcome and the duration from creation for a finished job", () => {
    const createdAt = "2026-11-28T17:00:00.000Z";
    const now = Date.parse(createdAt) + 4_321;
    const [ok] = captureEmf(() => jobFinished("succeeded", { createdAt }, now));
    expect(ok?.JobsSucceeded).toBe(1);
    expect(ok?.JobDuration).toBe(4_321);
    expect(ok?.JobsFailed).toBeUndefined();
    expect(ok?._aws.CloudWatchMetrics[0]?.Metrics).toContainEqual({
      Name: "JobDuration",
      Unit: "Milliseconds",
    });
    const [failed] = captureEmf(() => jobFinished("failed", { createdAt }, now + 1000));
    expect(failed?.JobsFailed).toBe(1);
    expect(failed?.JobsSucceeded).toBeUndefined();
    expect(failed?.JobDuration).toBe(5_321);
  });
});

describe("status helpers", () => {
  it("takes nearest-rank percentiles", () => {
    expect(percentiles([])).toBeNull();
    expect(percentiles([7])).toEqual({ count: 1, p50: 7, p90: 7, p99: 7 });
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentiles(hundred)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99 });
  });

  it("sums minute datapoints into 24 hourly buckets ending now", () => {
    const now = Date.parse("2026-11-28T17:30:00.000Z");
    const buckets = hourly(
      [
        { timestamp: now - 24 * 3_600_000 - 60_000, value: 100 }, // older than the window
        { timestamp: now - 24 * 3_600_000, value: 1 }, // first bucket
        { timestamp: now - 90 * 60_000, value: 2 }, // 1.5 h ago: bucket 22
        { timestamp: now - 60_000, value: 3 }, // last bucket
        { timestamp: now - 30_000, value: 4 }, // last bucket
      ],
      now,
    );
    expect(buckets).toHaveLength(24);
    expect(buckets[0]).toEqual({ start: "2026-11-27T17:30:00.000Z", count: 1 });
    expect(buckets[22]?.count).toBe(2);
    expect(buckets[23]).toEqual({ start: "2026-11-28T16:30:00.000Z", count: 7 });
    expect(buckets.reduce((s, b) => s + b.count, 0)).toBe(10);
  });
});
