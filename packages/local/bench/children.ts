/** Runs bench helper scripts in their own Node processes and collects their one-line results. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ChildJob, ChildResult } from "./model-child.ts";

const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));

export function runNode(
  script: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: options.cwd ?? BENCH_DIR,
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

/** The model baseline (`bare`) or the model-only engine time (`engine`), in a fresh process. */
export async function runModelChild(job: ChildJob): Promise<ChildResult> {
  const { code, stdout, stderr } = await runNode(`${BENCH_DIR}model-child.ts`, [
    JSON.stringify(job),
  ]);
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (code !== 0 || !line) {
    throw new Error(`model-child ${job.mode} failed (${code}): ${stderr.slice(-2000)}`);
  }
  return JSON.parse(line.slice("RESULT ".length)) as ChildResult;
}
