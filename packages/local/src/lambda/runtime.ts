/**
 * Inside a function's worker thread. First it imports the instrumentation the stack was given
 * (`StackOptions.lambdaInstrument`), then it loads what needs no configuration (the AWS SDK
 * clients, sharp), while the stack is still starting its servers. Then, given the function's
 * environment (its key, endpoints and links), it loads the handler, once, as a Lambda execution
 * environment does at cold start, and runs one invocation per message from the parent. Events
 * and results are structured-cloneable JSON, as Lambda's are.
 */
import { parentPort, workerData } from "node:worker_threads";

interface Invocation {
  id: number;
  event: unknown;
}

const port = parentPort;
if (!port) throw new Error("the Lambda runtime runs in a worker thread");
const { module, preload, instrument } = workerData as {
  module: string;
  preload: string[];
  instrument: string[];
};

type Handler = (event: unknown) => Promise<unknown>;

async function coldStart(env: Record<string, string>): Promise<Handler> {
  Object.assign(process.env, env);
  const loaded = (await import(module)) as { handler: Handler };
  return loaded.handler;
}

// A rejection no handler awaited is the function's bug: log it, as Lambda's log would show it,
// and keep the thread serving (one invocation's leak must not take the function down for good).
process.on("unhandledRejection", (reason) => {
  console.error(`[${module}] unhandled rejection`, reason);
});

// Instrumentation first, so it is in place before any client is made; its failure is reported.
const instrumented = (async () => {
  for (const m of instrument) await import(m);
})();
instrumented.catch(() => {});
// A preload that fails is only a slower cold start: the handler's own import reports the error.
const preloaded = instrumented
  .then(() => Promise.all(preload.map((m) => import(m))))
  .catch(() => undefined);

port.once("message", async ({ env }: { env: Record<string, string> }) => {
  let handler: Handler;
  try {
    await instrumented;
    await preloaded;
    handler = await coldStart(env);
  } catch (error) {
    port.postMessage({ initError: (error as Error)?.stack ?? String(error) });
    return;
  }
  port.on("message", async ({ id, event }: Invocation) => {
    try {
      port.postMessage({ id, result: await handler(event) });
    } catch (error) {
      const e = error as Error;
      port.postMessage({
        id,
        error: { name: e?.name ?? "Error", message: e?.message ?? String(error), stack: e?.stack },
      });
    }
  });
  port.postMessage({ ready: true });
});
