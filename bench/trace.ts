/**
 * Watches, from outside the application code, every HTTP call the in-process handlers make to the
 * local S3, DynamoDB, the SageMaker front and the model, through Node's `http.client.*` diagnostics
 * channels. Calls made while serving an API request are tagged `api`; calls made by the bench
 * itself run inside `Trace.as("bench", …)`; everything else is the worker. Nothing in core or
 * functions knows it is being watched.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import dc from "node:diagnostics_channel";
import type { ClientRequest, IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";

export type Target = "s3" | "dynamodb" | "sagemaker" | "model" | "sqs" | "other";
export type Origin = "worker" | "api" | "bench";

export interface Span {
  target: Target;
  origin: Origin;
  /** DynamoDB operation (GetItem, UpdateItem…) or HTTP method and path. */
  op: string;
  start: number;
  end: number;
  status?: number;
}

const context = new AsyncLocalStorage<Origin>();

export class Trace {
  readonly spans: Span[] = [];
  private readonly targets = new Map<number, Target>();
  private apiPort = -1;
  private readonly onStart = (message: unknown) => this.requestStarted(message);
  private readonly onFinish = (message: unknown) => this.responseArrived(message);
  private inFlight = 0;
  private readonly onServer = (message: unknown) => {
    const { socket, response } = message as { socket: Socket; response: ServerResponse };
    if (socket.localPort !== this.apiPort) return;
    context.enterWith("api");
    this.inFlight++;
    response.once("close", () => {
      this.inFlight--;
    });
  };

  /** Waits until the API has answered every request it was given (at most `timeoutMs`). */
  async apiIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.inFlight > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  private readonly open = new WeakMap<ClientRequest, Span>();

  /** Runs `fn` with its HTTP calls tagged as `origin` (and so left out of the worker's share). */
  static as<T>(origin: Origin, fn: () => T): T {
    return context.run(origin, fn);
  }

  constructor(input: { apiPort: number; targets: Record<string, Target> }) {
    this.apiPort = input.apiPort;
    for (const [url, target] of Object.entries(input.targets)) {
      this.targets.set(Number(new URL(url).port), target);
    }
    dc.subscribe("http.client.request.start", this.onStart);
    dc.subscribe("http.client.response.finish", this.onFinish);
    dc.subscribe("http.server.request.start", this.onServer);
  }

  close() {
    dc.unsubscribe("http.client.request.start", this.onStart);
    dc.unsubscribe("http.client.response.finish", this.onFinish);
    dc.unsubscribe("http.server.request.start", this.onServer);
  }

  /** The spans that started in [from, to] (performance.now() milliseconds). */
  between(from: number, to: number, origin: Origin = "worker"): Span[] {
    return this.spans.filter((s) => s.origin === origin && s.start >= from && s.start <= to);
  }

  private requestStarted(message: unknown) {
    const { request } = message as { request: ClientRequest };
    const port = Number((request as unknown as { port?: number }).port ?? 0) || portOf(request);
    const target = this.targets.get(port) ?? "other";
    const amzTarget = String(request.getHeader("x-amz-target") ?? "");
    const op = amzTarget ? (amzTarget.split(".").pop() ?? amzTarget) : `${request.method}`;
    const span: Span = {
      target,
      origin: context.getStore() ?? "worker",
      op,
      start: performance.now(),
      end: Number.NaN,
    };
    this.open.set(request, span);
    request.once("error", () => {
      if (Number.isNaN(span.end)) span.end = performance.now();
    });
    request.once("close", () => {
      if (Number.isNaN(span.end)) span.end = performance.now();
    });
    this.spans.push(span);
  }

  private responseArrived(message: unknown) {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    const span = this.open.get(request);
    if (!span) return;
    span.status = response.statusCode;
    response.once("end", () => {
      span.end = performance.now();
    });
  }
}

function portOf(request: ClientRequest): number {
  const host = String(request.getHeader("host") ?? "");
  const port = host.split(":").pop();
  return Number(port) || 0;
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
