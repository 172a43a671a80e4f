/** Runs the Next.js app (packages/web): `next dev`, or `next build` then `next start`. */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./util.ts";

export const WEB_DIR = fileURLToPath(new URL("../../web", import.meta.url));

export type WebMode = "dev" | "production";

/**
 * Next.js runs one `next dev` per folder: it locks `<distDir>/dev/lock` and a second one exits.
 * So `pnpm dev` with the dev site claims the web folder first, in this file, and a second one
 * finds out who holds it before it starts anything (packages/local/README.md#two-stacks-at-once).
 */
export const DEV_CLAIM = join(WEB_DIR, ".next", "artai-dev.json");

/** Who holds the web folder's `next dev`: the stack's process, and its address once it is up. */
export interface DevClaim {
  pid: number;
  url?: string;
  dataDir: string;
  startedAt: string;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** The live claim on the web folder, if any; a claim left by a process that died is ignored. */
export function devClaim(file = DEV_CLAIM): DevClaim | undefined {
  let claim: DevClaim;
  try {
    claim = JSON.parse(readFileSync(file, "utf8")) as DevClaim;
  } catch {
    return undefined;
  }
  if (!Number.isInteger(claim.pid) || claim.pid === process.pid || !alive(claim.pid)) {
    return undefined;
  }
  return claim;
}

/**
 * Claims the web folder for this process's `next dev`. Returns the other stack's claim instead
 * when one is alive; then nothing is written.
 */
export function claimDev(
  claim: Omit<DevClaim, "pid" | "startedAt">,
  file = DEV_CLAIM,
): DevClaim | undefined {
  const other = devClaim(file);
  if (other) return other;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({ ...claim, pid: process.pid, startedAt: new Date().toISOString() }),
  );
  return undefined;
}

/** Drops this process's claim (a claim held by another process is left alone). */
export function releaseDev(file = DEV_CLAIM) {
  try {
    const claim = JSON.parse(readFileSync(file, "utf8")) as DevClaim;
    if (claim.pid === process.pid) rmSync(file, { force: true });
  } catch {
    // Nothing claimed.
  }
}

function nextBin() {
  const requireFromWeb = createRequire(join(WEB_DIR, "package.json"));
  return join(dirname(requireFromWeb.resolve("next/package.json")), "dist/bin/next");
}

function run(args: string[], log: (line: string) => void, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [nextBin(), ...args], {
    cwd: WEB_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => log(d.toString().trimEnd()));
  child.stderr?.on("data", (d: Buffer) => log(d.toString().trimEnd()));
  return child;
}

export async function buildWeb(log: (line: string) => void) {
  const child = run(["build"], log);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`next build failed with exit code ${code}`);
}

export async function startWeb(input: {
  mode: WebMode;
  log: (line: string) => void;
  /** Skip `next build` when a build is already there (production mode only). */
  reuseBuild?: boolean;
  /** Run-time settings for the app, e.g. `ARTAI_STORAGE_ORIGIN` for its Content-Security-Policy. */
  env?: Record<string, string>;
}): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  if (
    input.mode === "production" &&
    !(input.reuseBuild && existsSync(join(WEB_DIR, ".next", "BUILD_ID")))
  ) {
    await buildWeb(input.log);
  }
  const port = await freePort();
  const child = run(
    [input.mode === "dev" ? "dev" : "start", "--port", String(port), "--hostname", "127.0.0.1"],
    input.log,
    input.env,
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next exited with code ${child.exitCode}`);
    try {
      await fetch(url, { redirect: "manual" });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error("Next.js did not start within 120 s");
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}
