/**
 * Inside a function's worker thread: loads the handler (once, as a Lambda execution environment
 * does at cold start) and runs one invocation per message from the parent. Events and results
 * are structured-cloneable JSON, as Lambda's are.
 */
import { parentPort, workerData } from "node:worker_threads";

interface Invocation {
  id: number;
  event: unknown;
}

const port = parentPort;
if (!port) throw new Error("the Lambda runtime runs in a worker thread");
const { module } = workerData as { module: string };

try {
  const loaded = (await import(module)) as { handler: (event: unknown) => Promise<unknown> };
  port.on("message", async ({ id, event }: Invocation) => {
    try {
      const result = await loaded.handler(event);
      port.postMessage({ id, result });
    } catch (error) {
      const e = error as Error;
      port.postMessage({
        id,
        error: { name: e?.name ?? "Error", message: e?.message ?? String(error), stack: e?.stack },
      });
    }
  });
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ initError: (error as Error)?.stack ?? String(error) });
}
