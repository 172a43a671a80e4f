/**
 * Runs the model container's own `serve` entry as a child process, as SageMaker runs the
 * container, and waits for `GET /ping` to answer 200 (weights loaded).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./util.ts";

export const MODEL_DIR = fileURLToPath(new URL("../../model", import.meta.url));

export interface ModelProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function waitForPing(url: string, timeoutMs: number, child?: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`the model server exited with code ${child.exitCode} while starting`);
    }
    try {
      const res = await fetch(new URL("/ping", url));
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the model server at ${url} was not ready after ${timeoutMs / 1000} s`);
}

export async function startModel(input: {
  port?: number;
  env?: Record<string, string>;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}): Promise<ModelProcess> {
  const port = input.port ?? (await freePort());
  const child = spawn(process.execPath, ["--import", "tsx", join(MODEL_DIR, "src/serve.ts")], {
    cwd: MODEL_DIR,
    env: {
      ...process.env,
      SAGEMAKER_BIND_TO_PORT: String(port),
      SAGEMAKER_BIND_TO_HOST: "127.0.0.1",
      ...input.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = input.log ?? (() => {});
  child.stdout?.on("data", (d: Buffer) => log(d.toString().trimEnd()));
  child.stderr?.on("data", (d: Buffer) => log(d.toString().trimEnd()));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
  try {
    await waitForPing(url, input.readyTimeoutMs ?? 180_000, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, child, stop };
}
