import { describe, expect, it } from "vitest";
import { resolveThreads } from "../src/server.ts";

describe("workers and ONNX Runtime threads", () => {
  it("uses every core for one request by default: one worker per 2 cores, 2 threads each", () => {
    expect(resolveThreads(2)).toEqual({ workers: 1, threads: 2 });
    expect(resolveThreads(8)).toEqual({ workers: 4, threads: 2 });
    expect(resolveThreads(1)).toEqual({ workers: 1, threads: 1 });
  });

  it("gives explicit workers the cores they share, and never oversubscribes", () => {
    expect(resolveThreads(2, 2)).toEqual({ workers: 2, threads: 1 });
    expect(resolveThreads(2, 1)).toEqual({ workers: 1, threads: 2 });
    expect(resolveThreads(8, undefined, 4)).toEqual({ workers: 2, threads: 4 });
    expect(() => resolveThreads(2, 2, 2)).toThrow(/oversubscribe the 2 cores/);
    expect(() => resolveThreads(2, 3)).toThrow(/oversubscribe/);
  });
});
