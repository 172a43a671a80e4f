/**
 * The stack's `lambdaInstrument` option: each function's thread imports the named modules before
 * its handler, so instrumentation from outside the application (the bench's call trace) sees the
 * function's own HTTP calls, which a subscriber in the stack's thread cannot (diagnostics channels
 * are per thread). No model answers here: the worker's SageMaker call fails, and is still a call.
 */
import { BroadcastChannel } from "node:worker_threads";
import { photo } from "@artai/test-images";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Stack } from "../src/stack.ts";
import { CALL_SPY_CHANNEL, type SpiedCall } from "./fixtures/call-spy.ts";
import { Browser, createPngJob, quietStack, tempDir, upload } from "./helpers.ts";

const SPY = new URL("./fixtures/call-spy.ts", import.meta.url).href;
const portOf = (url: string) => new URL(url).port;

describe("lambdaInstrument", () => {
  let stack: Stack;
  const calls: SpiedCall[] = [];
  const channel = new BroadcastChannel(CALL_SPY_CHANNEL);
  channel.onmessage = (event) => calls.push((event as { data: SpiedCall }).data);
  beforeAll(async () => {
    stack = await quietStack("instrument", {
      modelUrl: "http://127.0.0.1:9",
      lambdaInstrument: [SPY],
    });
  });
  afterAll(async () => {
    channel.close();
    await stack?.close();
  });

  it("lets a module in each function's thread see that function's calls, by its name", async () => {
    const client = new Browser(stack.url);
    const image = await photo(48, 48, "png");
    const { target } = await createPngJob(client, image);
    const sent = await upload(target, image, "image/png");
    expect(sent.status).toBe(204);

    const from = (fn: string, endpoint: string, method?: string) =>
      calls.some(
        (c) =>
          c.fn === `artai-local-${fn}` &&
          c.host.endsWith(`:${portOf(endpoint)}`) &&
          (!method || c.method === method),
      );
    // The API recorded the job; the worker read the upload and called the SageMaker front.
    await expect.poll(() => from("api", stack.endpoints.dynamodb), { timeout: 20_000 }).toBe(true);
    await expect
      .poll(() => from("worker", stack.endpoints.s3, "GET"), { timeout: 20_000 })
      .toBe(true);
    await expect
      .poll(() => from("worker", stack.endpoints.sagemaker, "POST"), { timeout: 20_000 })
      .toBe(true);
    // Calls are told apart by function: the API never read the upload.
    expect(from("api", stack.endpoints.s3, "GET")).toBe(false);
  });

  it("fails the stack's start, with the module's error, when a module does not load", async () => {
    const missing = new URL("./fixtures/no-such-module.ts", import.meta.url).href;
    await expect(
      quietStack("instrument-missing", {
        dataDir: tempDir("instrument-missing"),
        modelUrl: "http://127.0.0.1:9",
        worker: false,
        lambdaInstrument: [missing],
      }),
    ).rejects.toThrow(/no-such-module/);
  });
});
