/**
 * The functions as Lambda runs them, each in its own worker thread, and what invokes them
 * besides the API: the queue's event source mapping (the worker) and the EventBridge schedule
 * (the sweeper).
 */
import { randomBytes } from "node:crypto";
import { FUNCTIONS, type FunctionName } from "@artai/core/contract";
import { FUNCTION_CREDENTIALS, LOCAL_ACCOUNT, type LocalIam } from "../iam/index.ts";
import { LocalLambda } from "../lambda/index.ts";
import type { Ops } from "../ops/index.ts";
import { EventSource } from "../queue/event-source.ts";
import type { LocalQueue } from "../queue/queue.ts";
import { functionEnv } from "./environment.ts";
import { HANDLERS, NAMES, PRELOAD, QUEUE, REGION } from "./names.ts";
import type { Stack, StackContext } from "./types.ts";

/**
 * Each function in its own thread, as on Lambda. The threads load the instrumentation they are
 * given and the SDK while the servers start; each gets its own key and links once the endpoints
 * are known.
 */
export function createLambdas({
  options,
  closers,
}: StackContext): Record<FunctionName, LocalLambda> {
  const lambdas = Object.fromEntries(
    FUNCTIONS.map((fn) => [
      fn,
      new LocalLambda({
        name: fn,
        module: HANDLERS[fn],
        preload: PRELOAD[fn],
        instrument: options.lambdaInstrument,
      }),
    ]),
  ) as Record<FunctionName, LocalLambda>;
  closers.push(async () => {
    await Promise.all(Object.values(lambdas).map((l) => l.close()));
  });
  return lambdas;
}

/** What the stack hands out for each started function. */
export function functionsOf(lambdas: Record<FunctionName, LocalLambda>): Stack["functions"] {
  return Object.fromEntries(
    FUNCTIONS.map((fn) => [
      fn,
      {
        env: lambdas[fn].env,
        credentials: FUNCTION_CREDENTIALS[fn],
        invoke: lambdas[fn].invoke.bind(lambdas[fn]),
      },
    ]),
  ) as Stack["functions"];
}

/** The worker's event source mapping on the jobs queue. */
export function workerEventSource(options: {
  iam: LocalIam;
  queue: LocalQueue;
  functions: Stack["functions"];
  log: (component: string, line: string) => void;
}): EventSource {
  // Lambda's event source mapping polls with the worker's role: it needs the table's rights.
  const queueArn = `arn:aws:sqs:${REGION}:${LOCAL_ACCOUNT}:${NAMES.queue}`;
  for (const action of ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]) {
    const decision = options.iam.authorize(
      FUNCTION_CREDENTIALS.worker.accessKeyId,
      action,
      queueArn,
    );
    if (!decision.allowed)
      throw new Error(`the worker's event source mapping: ${decision.message}`);
  }
  return new EventSource({
    queue: options.queue,
    queueArn: `arn:aws:sqs:${REGION}:000000000000:${NAMES.queue}`,
    region: REGION,
    batchSize: QUEUE.batchSize,
    concurrency: QUEUE.concurrency,
    handler: (event) => options.functions.worker.invoke(event),
    onError: (error) => options.log("worker", `invocation failed: ${String(error)}`),
  });
}

/** The sweeper's EventBridge schedule: a timer; returns its stop. */
export function scheduleSweeper(
  functions: Stack["functions"],
  everyMs: number,
  log: (component: string, line: string) => void,
): () => Promise<void> {
  const timer = setInterval(() => {
    // The shape of an EventBridge schedule's event, as the cron rule would send it.
    const event = {
      version: "0",
      id: randomBytes(16).toString("hex"),
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: LOCAL_ACCOUNT,
      time: new Date().toISOString(),
      region: REGION,
      resources: [],
      detail: {},
    };
    functions.sweeper.invoke(event).catch((error: unknown) => log("sweeper", String(error)));
  }, everyMs);
  return async () => clearInterval(timer);
}

/**
 * Starts each function with its own key and links, waits for the model, then what invokes them besides the API: the
 * alert topic's breaker subscription, the worker's event source mapping (unless
 * `options.worker` is false) and the sweeper's schedule (unless `options.sweepIntervalMs` is 0).
 */
export async function startFunctions(
  { iam, options, log, closers }: StackContext,
  input: {
    lambdas: Record<FunctionName, LocalLambda>;
    env: Record<string, string>;
    jobs: LocalQueue;
    ops: Pick<Ops, "connectBreaker">;
    /** The model's first launch: the worker polls only once the container answers (or failed). */
    model: { started: Promise<void> };
  },
) {
  const { lambdas } = input;
  await Promise.all(FUNCTIONS.map((fn) => lambdas[fn].start(functionEnv(input.env, fn))));
  await input.model.started;
  const functions = functionsOf(lambdas);
  input.ops.connectBreaker((event) => functions.breaker.invoke(event));

  const eventSource = workerEventSource({ iam, queue: input.jobs, functions, log });
  if (options.worker !== false) eventSource.start();
  closers.push(() => eventSource.stop());

  const sweepEvery = options.sweepIntervalMs ?? 60_000;
  if (sweepEvery > 0) closers.push(scheduleSweeper(functions, sweepEvery, log));
  return { functions, eventSource };
}
