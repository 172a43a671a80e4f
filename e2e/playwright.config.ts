/**
 * ArtAI's browser tests. By default they start the whole local stack themselves (`pnpm dev` at the
 * repo root, the production web build, a throwaway data directory, a free port) and run against it.
 * Set ARTAI_BASE_URL to test a stack that is already running instead.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM_ARGS } from "@artai/local/chromium";
import { defineConfig, devices } from "@playwright/test";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(),
      );
    });
  });
}

// Playwright loads this file in the runner and again in each worker; the environment carries the
// choices made the first time, so every process agrees on one stack.
const external = process.env.ARTAI_BASE_URL;
if (!external && !process.env.ARTAI_E2E_PORT) {
  process.env.ARTAI_E2E_PORT = String(await freePort());
  process.env.ARTAI_E2E_DATA_DIR = mkdtempSync(join(tmpdir(), "artai-e2e-"));
}
const port = process.env.ARTAI_E2E_PORT;
const baseURL = external ?? `http://localhost:${port}`;

/** Debian's Chromium when it is installed (a closed network can't download Playwright's own). */
const systemChromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) =>
  existsSync(path),
);

export default defineConfig({
  testDir: "tests",
  outputDir: "test-results",
  timeout: 150_000,
  expect: { timeout: 15_000 },
  // One stack, two cores: the flows run one after another.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    ...devices["Desktop Chrome"],
    viewport: { width: 1440, height: 900 },
    launchOptions: systemChromium
      ? { executablePath: systemChromium, args: CHROMIUM_ARGS }
      : { args: CHROMIUM_ARGS },
    acceptDownloads: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: external
    ? undefined
    : {
        command: "pnpm --dir .. dev",
        // The stack prints this line once every component is up (GET /api/health is 200 from then on).
        wait: { stdout: /ArtAI is running at http:\/\/\S+/ },
        timeout: 240_000,
        reuseExistingServer: false,
        stdout: "pipe",
        stderr: "pipe",
        gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
        env: {
          PORT: String(port),
          ARTAI_DATA_DIR: String(process.env.ARTAI_E2E_DATA_DIR),
          ARTAI_WEB_MODE: "production",
        },
      },
});
