/**
 * `pnpm dev` when it cannot start: a second one in the same checkout (Next.js allows one
 * `next dev` per folder) and a port already taken. Either way it says so in plain words, where
 * the running one is, and exits with status 1 before starting anything, without a stack trace.
 * The real CLI is spawned; it refuses before Next.js or the model would start, so this is quick.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { claimDev, DEV_CLAIM, devClaim, releaseDev } from "../src/web.ts";
import { tempDir } from "./helpers.ts";

const PACKAGE = fileURLToPath(new URL("..", import.meta.url));

function runCli(env: Record<string, string>) {
  const child = spawn(join(PACKAGE, "node_modules/.bin/tsx"), ["src/cli.ts"], {
    cwd: PACKAGE,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    child.on("exit", (code) => resolve({ code, output }));
  });
}

/** A process that stays alive, standing in for the first stack's process. */
const holder = () => spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"]);

describe("pnpm dev refuses plainly when it cannot start", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  it("a second pnpm dev in this checkout names the running one (URL, pid) and exits 1", async () => {
    // The first stack's claim, as its CLI writes it (a real one is used if it is running).
    let first = devClaim();
    if (!first) {
      const other: ChildProcess = holder();
      cleanups.push(() => other.kill());
      first = {
        pid: other.pid ?? 0,
        url: "http://localhost:3999",
        dataDir: "/tmp/first",
        startedAt: new Date().toISOString(),
      };
      mkdirSync(join(DEV_CLAIM, ".."), { recursive: true });
      writeFileSync(DEV_CLAIM, JSON.stringify(first));
      cleanups.push(() => rmSync(DEV_CLAIM, { force: true }));
    }
    const dataDir = join(tempDir("cli"), "second");
    const second = await runCli({ ARTAI_WEB_MODE: "dev", PORT: "0", ARTAI_DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.output).toContain(
      `ArtAI is already running in this checkout at ${first.url}, pid ${first.pid}`,
    );
    expect(second.output).toContain(`kill ${first.pid}`);
    expect(second.output).not.toMatch(/^\s+at /m);
    // It refused before starting anything, and left the first one's claim alone.
    expect(existsSync(dataDir)).toBe(false);
    expect(devClaim()?.pid).toBe(first.pid);
  });

  it("a port already in use is said plainly, with exit status 1", async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    cleanups.push(() => taken.close());
    const port = (taken.address() as AddressInfo).port;
    const run = await runCli({
      ARTAI_WEB_MODE: "none",
      PORT: String(port),
      ARTAI_DATA_DIR: tempDir("cli-port"),
    });
    expect(run.code).toBe(1);
    expect(run.output).toContain(`ArtAI cannot start: port ${port} is already in use`);
    expect(run.output).not.toMatch(/^\s+at /m);
  });
});

describe("the claim on the web folder's next dev", () => {
  const file = () => join(tempDir("claim"), "artai-dev.json");

  it("is taken when free, and found by a second process while its holder lives", async () => {
    const path = file();
    expect(claimDev({ dataDir: "/tmp/a" }, path)).toBeUndefined();
    // This process's own claim does not count as another stack…
    expect(devClaim(path)).toBeUndefined();
    // …another live process's does.
    const other = holder();
    try {
      writeFileSync(path, JSON.stringify({ pid: other.pid, dataDir: "/tmp/b", startedAt: "" }));
      expect(claimDev({ dataDir: "/tmp/a" }, path)).toMatchObject({ pid: other.pid });
      releaseDev(path); // not ours: left alone
      expect(devClaim(path)?.pid).toBe(other.pid);
    } finally {
      other.kill();
    }
  });

  it("left behind by a process that died is taken over", async () => {
    const path = file();
    const gone = holder();
    writeFileSync(path, JSON.stringify({ pid: gone.pid, dataDir: "/tmp/b", startedAt: "" }));
    gone.kill();
    await new Promise((r) => gone.on("exit", r));
    expect(claimDev({ dataDir: "/tmp/a" }, path)).toBeUndefined();
    expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(process.pid);
    releaseDev(path);
    expect(existsSync(path)).toBe(false);
  });
});
