/**
 * The container's `serve` entry: starts the model server on SAGEMAKER_BIND_TO_PORT (default 8080)
 * and exits non-zero if the weights cannot be loaded.
 */
import { startModelServer } from "./server.ts";

const server = await startModelServer({ log: process.env.ARTAI_MODEL_LOG === "1" });
console.log(
  `[model] listening on ${server.url} (GET /ping answers 200 once the weights are loaded)`,
);
server.ready.then(
  () => console.log("[model] weights loaded; ready"),
  (error: unknown) => {
    console.error("[model] could not load the model:", error);
    process.exit(1);
  },
);
const stop = () => {
  server.close().then(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
