/**
 * Makes sure the e2e tests have a Chromium to drive, before `playwright test` runs:
 * Debian's `chromium` when it is installed (or installable with apt-get as root), otherwise
 * Playwright's own build (`playwright install chromium`, which needs the internet).
 * It never fails the run by itself: if nothing can be installed, Playwright says so clearly.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const SYSTEM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
const have = () => SYSTEM.some((path) => existsSync(path));
const run = (command: string, args: string[]) =>
  spawnSync(command, args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  }).status === 0;

if (!have() && process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
  console.log("e2e: installing Debian's chromium…");
  if (!run("apt-get", ["install", "-y", "-q", "chromium"])) {
    run("apt-get", ["update", "-q"]);
    run("apt-get", ["install", "-y", "-q", "chromium"]);
  }
}
if (have()) {
  console.log(`e2e: using ${SYSTEM.find((path) => existsSync(path))}`);
} else {
  console.log("e2e: no system Chromium; trying Playwright's own build…");
  if (!run("npx", ["playwright", "install", "chromium"])) {
    console.warn("e2e: could not install a Chromium; the browser tests will fail to launch.");
  }
}
