/**
 * `pnpm dev`: starts ArtAI's whole stack offline and prints where it is.
 * Environment: PORT (default 3000), ARTAI_DATA_DIR (default .artai/), ARTAI_WEB_MODE (dev | production | none).
 */
import { startStack } from "./stack.ts";

const mode = (process.env.ARTAI_WEB_MODE ?? "dev") as "dev" | "production" | "none";
const started = Date.now();
const stack = await startStack({ web: mode });
console.log(
  `\nArtAI is running at ${stack.url}  (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
console.log(`  data: ${stack.dataDir}`);
console.log(
  `  status page: ${stack.url}/status  operator token: ${stack.ops.statusToken}` +
    (process.env.ARTAI_STATUS_TOKEN ? "" : "  (generated; set ARTAI_STATUS_TOKEN to choose one)"),
);
console.log(
  `  request alarm: over ${stack.ops.threshold} API requests in 24 h → e-mail in ${stack.ops.mailbox.dir}` +
    (stack.ops.breakerEnabled ? " and new jobs paused (ARTAI_BREAKER=off to only e-mail)" : ""),
);
console.log(
  `  s3: ${stack.endpoints.s3}  dynamodb: ${stack.endpoints.dynamodb}  model: ${stack.endpoints.model}\n`,
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping ArtAI…");
  await stack.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
