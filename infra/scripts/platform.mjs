#!/usr/bin/env node
/**
 * Makes sure SST's platform (.sst/platform: component sources, config.d.ts and the Pulumi
 * providers) is installed for this checkout, without network access other than the package
 * registry. `sst install` normally downloads Pulumi and Bun from the internet; with
 * SST_SKIP_DEPENDENCY_CHECK it skips those and with SST_NO_BUN it installs the providers
 * with npm. The result is cached: a stamp records the SST version and the sst.config.ts
 * it was installed for, and the install only runs again when either changes.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const infraDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const root = path.resolve(infraDir, "..");
const platformDir = path.join(root, ".sst", "platform");
const stampFile = path.join(platformDir, ".artai-install");

const require = createRequire(path.join(infraDir, "package.json"));
// "sst" resolves to <package>/dist/index.js; its package.json is not exported.
const sstDir = path.resolve(path.dirname(require.resolve("sst")), "..");
const sstVersion = JSON.parse(readFileSync(path.join(sstDir, "package.json"), "utf8")).version;
const sstBin = path.join(sstDir, "bin", "sst.mjs");

const stamp = createHash("sha256")
  .update(sstVersion)
  .update(readFileSync(path.join(root, "sst.config.ts")))
  .digest("hex");

const installed =
  existsSync(path.join(platformDir, "config.d.ts")) &&
  existsSync(path.join(platformDir, "node_modules", "@pulumi", "aws", "package.json")) &&
  existsSync(stampFile) &&
  readFileSync(stampFile, "utf8") === stamp;

if (installed) {
  console.log(`SST platform ${sstVersion} already installed in .sst/platform`);
} else {
  console.log(`Installing SST platform ${sstVersion} into .sst/platform (offline recipe)…`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [sstBin, "install"], {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      SST_SKIP_DEPENDENCY_CHECK: "1",
      SST_NO_BUN: "1",
      SST_TELEMETRY_DISABLED: "1",
      SST_STAGE: process.env.SST_STAGE ?? "ci",
    },
  });
  if (result.status !== 0) {
    console.error(`sst install failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
  writeFileSync(stampFile, stamp);
  console.log(`SST platform installed in ${Math.round((Date.now() - started) / 1000)} s`);
}
