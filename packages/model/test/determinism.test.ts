/**
 * Determinism under concurrency: the same input, options and seed give byte-identical variations
 * whether the request runs alone or among others, on one worker or spread over several, and with
 * one or two ONNX Runtime threads per session (each session's thread count is fixed, and the
 * convolutions' sums do not depend on it; this test is what checks that).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ModelServer, startModelServer } from "../src/index.ts";
import { invokePng, png } from "./images.ts";

let spread: ModelServer;
let single: ModelServer;

beforeAll(async () => {
  // Two single-threaded workers (a request's variations run on both), and one worker whose
  // sessions use two intra-op threads: different schedules, the same arithmetic expected.
  [spread, single] = await Promise.all([
    startModelServer({ port: 0, host: "127.0.0.1", workers: 2, threads: 1, maxQueue: 8 }),
    startModelServer({ port: 0, host: "127.0.0.1", workers: 1, threads: 2, maxQueue: 8 }),
  ]);
  await Promise.all([spread.ready, single.ready]);
});

afterAll(async () => {
  await Promise.all([spread?.close(), single?.close()]);
});

async function variations(server: ModelServer, body: Uint8Array, attributes: string) {
  return (await invokePng(server.url, body, attributes)).variations.map((v) => v.data);
}

describe("determinism", () => {
  it("gives byte-identical variations alone, under concurrency, and with any thread count", async () => {
    const input = await png({ width: 150, height: 110 });
    const other = await png({ width: 96, height: 128, alpha: true });
    for (const strength of ["subtle", "strong"]) {
      const attributes = `variations=4;strength=${strength};seed=77`;
      const alone = await variations(spread, input, attributes);
      expect(new Set(alone).size).toBe(4);
      // Six requests at once, the same one interleaved with others, on both servers.
      const crowd = await Promise.all([
        variations(spread, input, attributes),
        variations(spread, other, `variations=3;strength=${strength};seed=5`),
        variations(spread, input, attributes),
        variations(single, input, attributes),
        variations(single, other, `variations=2;strength=${strength};seed=6`),
        variations(single, input, attributes),
      ]);
      for (const at of [0, 2, 3, 5])
        expect(crowd[at], `request ${at} (${strength})`).toEqual(alone);
    }
  });
});
