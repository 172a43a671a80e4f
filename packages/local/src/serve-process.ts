/**
 * Runs `serve.ts` (the stack without the web app) as a process of its own, for the tests that kill
 * the whole stack outright as a machine or a Lambda host dies: the crash test and the load test.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The line `serve.ts` prints once the stack is ready. */
export interface Served {
  url: string;
  dataDir: string;
  sqs: string;
  queues: { jobs: string; dlq: string };
}

const SERVE = fileURLToPath(new URL("./serve.ts", import.meta.url));

/**
 * Starts the stack on `dataDir` in its own process group, so that `process.kill(-child.pid)` takes
 * it and its model container down together, and resolves once it is ready.
 */
export async function serveInProcess(
  dataDir: string,
  options: { stderr?: "inherit" | "ignore" } = {},
): Promise<{ info: Served; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", SERVE], {
    env: { ...process.env, ARTAI_DATA_DIR: dataDir, ARTAI_LOG_LEVEL: "ERROR" },
    detached: true,
    stdio: ["ignore", "pipe", options.stderr ?? "inherit"],
  });
  const info = await new Promise<Served>((resolve, reject) => {
    let buffer = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split("\n").find((l) => l.startsWith('{"url"'));
      if (line) resolve(JSON.parse(line) as Served);
    });
    child.once("exit", (code) => reject(new Error(`the stack exited with code ${code}`)));
  });
  child.stdout?.resume();
  return { info, child };
}
