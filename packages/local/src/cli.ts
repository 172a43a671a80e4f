/**
 * `pnpm dev`: starts ArtAI's whole stack offline and prints where it is.
 * Environment: PORT (default 3000), ARTAI_DATA_DIR (default .artai/), ARTAI_WEB_MODE (dev | production | none).
 *
 * A stack that cannot start says why in one line and exits with status 1, without a stack trace:
 * another `pnpm dev` already runs this checkout's dev site (Next.js allows one `next dev` per
 * folder), or the port is taken.
 */
import { join } from "node:path";
import { REPO_ROOT, type Stack, startStack } from "./stack.ts";
import { claimDev, releaseDev } from "./web.ts";

const mode = (process.env.ARTAI_WEB_MODE ?? "dev") as "dev" | "production" | "none";
const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.ARTAI_DATA_DIR ?? join(REPO_ROOT, ".artai");

function refuse(lines: string[]): never {
  releaseDev();
  console.error(`\n${lines.join("\n")}\n`);
  process.exit(1);
}

if (mode === "dev") {
  const other = claimDev({ dataDir });
  if (other) {
    refuse([
      `ArtAI is already running in this checkout${other.url ? ` at ${other.url}` : " (still starting)"}, pid ${other.pid}, data ${other.dataDir}.`,
      "Next.js runs one `next dev` per folder, so a second `pnpm dev` here cannot serve the site.",
      `Open that one, stop it (kill ${other.pid}), or run a second stack without the dev site:`,
      `  PORT=${port === 0 ? 0 : port + 1} ARTAI_DATA_DIR=.artai-2 ARTAI_WEB_MODE=none pnpm dev`,
    ]);
  }
}
process.on("exit", () => releaseDev());

const started = Date.now();
let stack: Stack;
try {
  stack = await startStack({ web: mode, port, dataDir });
} catch (error) {
  const e = error as NodeJS.ErrnoException;
  refuse(
    e.code === "EADDRINUSE"
      ? [
          `ArtAI cannot start: port ${port} is already in use (another ArtAI stack, or another program).`,
          "Set PORT to another port, or PORT=0 for a free one.",
        ]
      : [`ArtAI could not start: ${e.message ?? String(error)}`],
  );
}
if (mode === "dev") claimDev({ dataDir: stack.dataDir, url: stack.url });
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
