/** Runs bench helper scripts in their own Node processes and collects their one-line results. */
import { fork, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ChildMode, ChildReply, ChildRequest } from "./model-child.ts";

const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end and collects what it wrote (it reads nothing). */
export function runProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a TypeScript script in its own Node process (through tsx), from the bench's folder. */
export function runNode(
  script: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<ProcessResult> {
  return runProcess(process.execPath, ["--import", "tsx", script, ...args], {
    ...options,
    cwd: options.cwd ?? BENCH_DIR,
  });
}

export interface ModelChild {
  loadMs: number;
  /**
   * One sample: `variations` is the engine's variations or the bare ONNX passes; `bare` runs one
   * predict.
   */
  sample(
    path: string,
    variations?: number,
    seed?: number,
  ): Promise<{ ms: number; scale: number; lowSize: [number, number]; gflop?: number }>;
  stats(): Promise<{ peakRssBytes: number; threads: number; backend: string }>;
  close(): void;
}

/**
 * Starts the TF.js baseline (`bare`), the bare ONNX pass (`bare-onnx`) or the model-only
 * (`engine`) helper process and waits until it is loaded.
 */
export async function startModelChild(mode: ChildMode): Promise<ModelChild> {
  const child = fork(`${BENCH_DIR}model-child.ts`, [mode], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const next = () =>
    new Promise<ChildReply>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`model-child ${mode} exited (${code}): ${stderr}`));
      child.once("exit", onExit);
      child.once("message", (reply: ChildReply) => {
        child.off("exit", onExit);
        if (reply.type === "error") reject(new Error(`model-child ${mode}: ${reply.message}`));
        else resolve(reply);
      });
    });
  const ready = await next();
  if (ready.type !== "ready") throw new Error(`model-child ${mode} did not start`);
  const ask = async <T extends ChildReply["type"]>(request: ChildRequest, type: T) => {
    const reply = next();
    child.send(request);
    const answer = await reply;
    if (answer.type !== type) throw new Error(`model-child ${mode} answered ${answer.type}`);
    return answer as Extract<ChildReply, { type: T }>;
  };
  return {
    loadMs: ready.loadMs,
    sample: (path, variations = 1, seed = 0) =>
      ask({ type: "sample", path, variations, seed }, "sample"),
    stats: () => ask({ type: "stats" }, "stats"),
    close: () => {
      child.kill();
    },
  };
}
