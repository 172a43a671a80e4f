/**
 * The bench's eyes inside each function's worker thread. The local stack imports this module in
 * every function's thread before anything else (`StackOptions.lambdaInstrument`), as Lambda
 * preloads what `NODE_OPTIONS` names. Diagnostics channels are per thread, so the bench's main
 * thread cannot see a function's HTTP calls itself: this module subscribes to `http.client.*` in
 * the function's own thread and posts each call's start and end on a `BroadcastChannel`, which
 * `trace.ts` reads in the main thread. A call is tagged with the function it came from, read from
 * `AWS_LAMBDA_FUNCTION_NAME` as Lambda sets it
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * Times are epoch milliseconds: each thread's `performance.now()` has its own origin.
 */
import dc from "node:diagnostics_channel";
import type { ClientRequest, IncomingMessage } from "node:http";
import { BroadcastChannel, isMainThread, threadId } from "node:worker_threads";

/** The channel's name, shared with trace.ts. */
export const TRACE_CHANNEL = "artai-bench-trace";
/** Where trace.ts asks the threads how busy their event loop has been; they answer on TRACE_CHANNEL. */
export const LOOP_CHANNEL = "artai-bench-trace-loop";

/** What a function's thread posts: a call that started, then the same call (by `id`) ending. */
export type CallMessage =
  | {
      kind: "start";
      id: string;
      /** The function's name (`AWS_LAMBDA_FUNCTION_NAME`). */
      fn: string;
      /** The `host` header: the port says which local service was called. */
      host: string;
      /** DynamoDB's operation (GetItem, UpdateItem…) or the HTTP method and path. */
      op: string;
      at: number;
    }
  | { kind: "end"; id: string; at: number; status?: number }
  /** The thread's event loop since it started (`performance.eventLoopUtilization()`). */
  | { kind: "loop"; fn: string; idle: number; active: number; request: number };

const epochNow = () => performance.timeOrigin + performance.now();

if (!isMainThread) {
  const channel = new BroadcastChannel(TRACE_CHANNEL);
  channel.unref();
  const loop = new BroadcastChannel(LOOP_CHANNEL);
  loop.unref();
  loop.onmessage = (event) => {
    const { idle, active } = performance.eventLoopUtilization();
    const fn = process.env.AWS_LAMBDA_FUNCTION_NAME ?? "";
    const request = (event as { data: { request: number } }).data.request;
    channel.postMessage({ kind: "loop", fn, idle, active, request } satisfies CallMessage);
  };
  let next = 0;
  dc.subscribe("http.client.request.start", (message) => {
    const { request } = message as { request: ClientRequest };
    const id = `${threadId}:${next++}`;
    const target = String(request.getHeader("x-amz-target") ?? "");
    const op = target
      ? (target.split(".").pop() ?? target)
      : `${request.method} ${request.path.split("?")[0]}`;
    channel.postMessage({
      kind: "start",
      id,
      fn: process.env.AWS_LAMBDA_FUNCTION_NAME ?? "",
      host: String(request.getHeader("host") ?? ""),
      op,
      at: epochNow(),
    } satisfies CallMessage);
    let ended = false;
    const end = (status?: number) => {
      if (ended) return;
      ended = true;
      channel.postMessage({ kind: "end", id, at: epochNow(), status } satisfies CallMessage);
    };
    // A call ends when its answer has been read; one that fails or is dropped, when it closes.
    let answered = false;
    request.once("response", (response: IncomingMessage) => {
      answered = true;
      response.once("end", () => end(response.statusCode));
      response.once("close", () => end(response.statusCode));
    });
    request.once("error", () => end());
    request.once("close", () => {
      // Closed before any answer (an error or an abort): the call is over.
      if (!answered) end();
    });
  });
}
