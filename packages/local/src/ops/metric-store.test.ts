import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { MetricStore } from "./metric-store.ts";

const COUNT = { namespace: "AWS/ApiGateway", name: "Count", dimensions: { ApiId: "local" } };
const T0 = Date.parse("2026-11-28T12:00:00.000Z");

describe("MetricStore", () => {
  const stores: MetricStore[] = [];
  const open = (file: string, clock: () => number) => {
    const store = new MetricStore({ file, clock });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  it("sums any range at second resolution, samples out of order included", () => {
    let now = T0;
    const store = open(join(tempDir("metrics"), "m.json"), () => now);
    for (let i = 0; i < 10; i++) {
      now = T0 + i * 1000;
      store.put(COUNT);
      store.put(COUNT);
    }
    store.put(COUNT, 1, T0 + 3500); // late sample for second 3
    expect(store.total(COUNT, T0, T0 + 10_000)).toEqual({ sum: 21, sampleCount: 21 });
    expect(store.total(COUNT, T0 + 3000, T0 + 4000).sum).toBe(3);
    expect(store.total(COUNT, T0 + 9000, T0 + 9000).sum).toBe(0);
    // Dimensions are part of the metric's identity.
    expect(store.total({ ...COUNT, dimensions: { ApiId: "other" } }, T0, T0 + 10_000).sum).toBe(0);
  });

  it("groups datapoints by period from the start time, with min, max and averages", () => {
    const store = open(join(tempDir("metrics"), "m.json"), () => T0);
    const latency = { namespace: "AWS/SageMaker", name: "ModelLatency", dimensions: {} };
    store.put(latency, 10, T0);
    store.put(latency, 30, T0 + 59_000);
    store.put(latency, 5, T0 + 60_000);
    const points = store.datapoints(latency, T0, T0 + 120_000, 60);
    expect(points).toEqual([
      { timestamp: T0, sampleCount: 2, sum: 40, minimum: 10, maximum: 30 },
      { timestamp: T0 + 60_000, sampleCount: 1, sum: 5, minimum: 5, maximum: 5 },
    ]);
  });

  it("persists across instances and drops samples past retention", async () => {
    const file = join(tempDir("metrics"), "m.json");
    let now = T0;
    const first = open(file, () => now);
    first.put(COUNT);
    now = T0 + 25 * 3_600_000;
    first.put(COUNT);
    first.put(COUNT);
    await first.close();
    const again = open(file, () => now);
    expect(again.total(COUNT, T0, now + 1000).sum).toBe(3);
    now = T0 + 27 * 3_600_000; // the first sample is now older than 26 h
    await again.flush();
    const third = open(file, () => now);
    expect(third.total(COUNT, 0, now + 1000).sum).toBe(2);
  });
});
