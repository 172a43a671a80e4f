/**
 * Watches, from outside the application code, every HTTP call ArtAI's functions make to the local
 * S3, DynamoDB and the SageMaker front. The local stack runs each function in its own worker
 * thread, and diagnostics channels are per thread, so the watching happens in those threads:
 * the stack imports `trace-thread.ts` in each of them (`StackOptions.lambdaInstrument`, with
 * `TRACE_INSTRUMENT`), which posts every call here, tagged with its function (`worker`, `api`…).
 * Nothing in core or functions knows it is being watched.
 */
import dc from "node:diagnostics_channel";
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { BroadcastChannel } from "node:worker_threads";
import { FUNCTIONS, type FunctionName } from "@artai/core/contract";
import { type CallMessage, LOOP_CHANNEL, TRACE_CHANNEL } from "./trace-thread.ts";

/** What to give the stack's `lambdaInstrument` option so its functions' calls reach a `Trace`. */
export const TRACE_INSTRUMENT = new URL("./trace-thread.ts", import.meta.url).href;

export type Target = "s3" | "dynamodb" | "sagemaker" | "model" | "sqs" | "other";
/** The function a call came from; `unknown` for a thread that has no function's name. */
export type Origin = FunctionName | "unknown";

/** A thread's event loop since it started: time idle and time busy (ms). */
export interface EventLoop {
  origin: Origin;
  idle: number;
  active: number;
}

/** The share of the time between two readings that the thread's event loop was busy. */
export const busyShare = (from: EventLoop, to: EventLoop) =>
  (to.active - from.active) / Math.max(1e-9, to.active - from.active + (to.idle - from.idle));

export interface Span {
  target: Target;
  origin: Origin;
  /** DynamoDB operation (GetItem, UpdateItem…) or HTTP method and path. */
  op: string;
  /** performance.now() milliseconds of this (the bench's main) thread. */
  start: number;
  /** NaN while the call is in flight. */
  end: number;
  status?: number;
}

const originOf = (fn: string): Origin =>
  FUNCTIONS.find((name) => fn === name || fn.endsWith(`-${name}`)) ?? "unknown";

export class Trace {
  readonly spans: Span[] = [];
  private readonly targets = new Map<number, Target>();
  private readonly open = new Map<string, Span>();
  private readonly channel = new BroadcastChannel(TRACE_CHANNEL);
  private readonly loop = new BroadcastChannel(LOOP_CHANNEL);
  private readonly loops = new Map<number, (loop: EventLoop) => void>();
  private nextLoopRequest = 0;
  private readonly apiPort: number;
  private inFlight = 0;
  private readonly onServer = (message: unknown) => {
    const { socket, response } = message as { socket: Socket; response: ServerResponse };
    if (socket.localPort !== this.apiPort) return;
    this.inFlight++;
    response.once("close", () => {
      this.inFlight--;
    });
  };

  constructor(input: { apiPort: number; targets: Record<string, Target> }) {
    this.apiPort = input.apiPort;
    for (const [url, target] of Object.entries(input.targets)) {
      this.targets.set(Number(new URL(url).port), target);
    }
    this.channel.onmessage = (event) => this.received((event as { data: CallMessage }).data);
    this.channel.unref();
    this.loop.unref();
    // The front's server runs in this thread: its requests tell when the API is idle.
    dc.subscribe("http.server.request.start", this.onServer);
  }

  close() {
    this.channel.close();
    this.loop.close();
    dc.unsubscribe("http.server.request.start", this.onServer);
  }

  /** Waits until the API has answered every request it was given (at most `timeoutMs`). */
  async apiIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.inFlight > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Waits until every call `origin` started before `at` has ended and been reported (the threads
   * post asynchronously); fails after `timeoutMs` rather than explaining a job with a call missing.
   */
  async settled(origin: Origin, at: number, timeoutMs = 5_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    const pending = () =>
      [...this.open.values()].filter((s) => s.origin === origin && s.start <= at);
    // One turn of the event loop at least, so that messages already posted arrive.
    await new Promise((resolve) => setTimeout(resolve, 20));
    while (pending().length > 0) {
      if (performance.now() > deadline) {
        const ops = pending().map((s) => `${s.target} ${s.op}`);
        throw new Error(`the ${origin} function's calls did not end in time: ${ops.join(", ")}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * How long `origin`'s thread has spent idle and busy since it started (ms), as that thread's
   * `performance.eventLoopUtilization()` says; the difference of two readings is its share busy.
   */
  eventLoop(origin: Origin, timeoutMs = 5_000): Promise<EventLoop> {
    const request = this.nextLoopRequest++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.loops.delete(request);
        reject(new Error(`the ${origin} function's thread did not say how busy it was`));
      }, timeoutMs);
      this.loops.set(request, (loop) => {
        if (loop.origin !== origin) return;
        clearTimeout(timer);
        this.loops.delete(request);
        resolve(loop);
      });
      this.loop.postMessage({ request });
    });
  }

  /** The spans of `origin` that started in [from, to] (performance.now() milliseconds). */
  between(from: number, to: number, origin: Origin): Span[] {
    return this.spans.filter((s) => s.origin === origin && s.start >= from && s.start <= to);
  }

  private received(message: CallMessage) {
    if (message.kind === "loop") {
      const { idle, active } = message;
      this.loops.get(message.request)?.({ origin: originOf(message.fn), idle, active });
      return;
    }
    const at = message.at - performance.timeOrigin;
    if (message.kind === "end") {
      const span = this.open.get(message.id);
      if (!span) return;
      this.open.delete(message.id);
      span.end = at;
      span.status = message.status;
      return;
    }
    const port = Number(message.host.split(":").pop()) || 0;
    const span: Span = {
      target: this.targets.get(port) ?? "other",
      origin: originOf(message.fn),
      op: message.op,
      start: at,
      end: Number.NaN,
    };
    this.open.set(message.id, span);
    this.spans.push(span);
  }
}

/** Total length of the union of intervals: concurrent calls count once. */
export function unionMs(spans: { start: number; end: number }[]): number {
  const sorted = spans.filter((s) => Number.isFinite(s.end)).sort((a, b) => a.start - b.start);
  let total = 0;
  let curStart = Number.NaN;
  let curEnd = Number.NaN;
  for (const s of sorted) {
    if (Number.isNaN(curStart) || s.start > curEnd) {
      if (!Number.isNaN(curStart)) total += curEnd - curStart;
      curStart = s.start;
      curEnd = s.end;
    } else curEnd = Math.max(curEnd, s.end);
  }
  if (!Number.isNaN(curStart)) total += curEnd - curStart;
  return total;
}

/**
 * Splits the union of `spans` among their targets: each moment with calls in flight counts once,
 * for the first of `priority` that had a call in flight then. The parts add up to `unionMs(spans)`.
 */
export function exclusiveMs<T extends string>(
  spans: { target: string; start: number; end: number }[],
  priority: readonly T[],
): Record<T, number> {
  const result = Object.fromEntries(priority.map((t) => [t, 0])) as Record<T, number>;
  const edges = spans
    .filter((s) => Number.isFinite(s.end) && priority.includes(s.target as T))
    .flatMap((s) => [
      { at: s.start, target: s.target as T, delta: 1 },
      { at: s.end, target: s.target as T, delta: -1 },
    ])
    .sort((a, b) => a.at - b.at);
  const inFlight = new Map<T, number>(priority.map((t) => [t, 0]));
  let last = Number.NaN;
  for (const edge of edges) {
    const owner = priority.find((t) => (inFlight.get(t) ?? 0) > 0);
    if (owner && Number.isFinite(last)) result[owner] += edge.at - last;
    inFlight.set(edge.target, (inFlight.get(edge.target) ?? 0) + edge.delta);
    last = edge.at;
  }
  return result;
}
