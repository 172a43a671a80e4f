/**
 * Part 4, the web app (production build): the upload page's first-load JavaScript, counted by the
 * web package's own script, and the time until its upload control is interactive in headless
 * Chromium, cold browser cache each time.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { WEB_DIR } from "../src/web.ts";
import { runNode } from "./children.ts";
import { type Summary, summarize } from "./stats.ts";

export interface WebResults {
  route: string;
  firstLoadJs: { gzipBytes: number; rawBytes: number; chunks: number; budgetBytes: number };
  /** Navigation start → the file input is hydrated and enabled (ms). */
  interactive?: Summary & { samplesMs: number[] };
  /** Navigation start → first contentful paint (ms). */
  firstContentfulPaint?: Summary;
  /** Choosing a file on the control showed its preview (checked once). */
  controlWorks?: boolean;
  chromium?: string;
  /** Why the browser part was not measured (no Chromium here). */
  browserSkipped?: string;
}

/** The flags these machines need (see the environment notes). */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync("which", ["chromium"], { encoding: "utf8" }).trim();
  } catch {
    return "/usr/bin/chromium";
  }
}

async function firstLoadJs(route: string) {
  const { stdout, stderr } = await runNode(
    join(WEB_DIR, "scripts/measure-first-load.ts"),
    [route],
    { cwd: WEB_DIR },
  );
  const match =
    /First-load JS for \S+: ([\d.]+) kB gzip \(([\d.]+) kB raw\) in (\d+) chunks; budget ([\d.]+) kB/.exec(
      stdout,
    );
  if (!match) throw new Error(`could not read the first-load measurement: ${stdout}${stderr}`);
  return {
    gzipBytes: Math.round(Number(match[1]) * 1000),
    rawBytes: Math.round(Number(match[2]) * 1000),
    chunks: Number(match[3]),
    budgetBytes: Math.round(Number(match[4]) * 1000),
  };
}

export async function benchWeb(input: {
  base: string;
  runs: number;
  photo: Buffer;
  progress: (line: string) => void;
}): Promise<WebResults> {
  const route = "/";
  const js = await firstLoadJs(route);
  input.progress(`web: first-load JS for ${route} ${(js.gzipBytes / 1000).toFixed(1)} kB gzip`);

  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: CHROMIUM_ARGS,
      headless: true,
    });
  } catch (error) {
    const reason = `Chromium could not start (${String(error).split("\n")[0]}); install it with scripts/ensure-chromium.sh or set CHROMIUM_PATH`;
    input.progress(`web: ${reason}`);
    return { route, firstLoadJs: js, browserSkipped: reason };
  }
  try {
    const visit = async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(input.base, { waitUntil: "commit" });
      // Evaluated in the page (a string, as this package compiles without the DOM types):
      // React has attached its handlers to the file input once it carries React's props.
      const handle = await page.waitForFunction(
        `(() => {
          const el = document.querySelector('input[type="file"][aria-label="Choose an image"]');
          const hydrated = el && Object.keys(el).some((k) => k.startsWith("__reactProps"));
          return hydrated && !el.disabled ? performance.now() : false;
        })()`,
        undefined,
        { polling: "raf", timeout: 30_000 },
      );
      const interactiveMs = (await handle.jsonValue()) as number;
      const fcp = await page.evaluate(
        () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
      );
      return { context, page, interactiveMs, fcp };
    };

    // The server's first render warms its caches; the measured visits each start a cold browser.
    const warm = await visit();
    await warm.page
      .getByLabel("Choose an image", { exact: true })
      .setInputFiles({ name: "photo.jpg", mimeType: "image/jpeg", buffer: input.photo });
    const controlWorks = await warm.page
      .getByRole("img", { name: /^Preview of/ })
      .waitFor({ state: "visible", timeout: 15_000 })
      .then(
        () => true,
        () => false,
      );
    await warm.context.close();

    const samples: number[] = [];
    const fcps: number[] = [];
    for (let i = 0; i < input.runs; i++) {
      const { context, interactiveMs, fcp } = await visit();
      samples.push(interactiveMs);
      fcps.push(fcp ?? Number.NaN);
      await context.close();
    }
    const interactive = { ...summarize(samples), samplesMs: samples };
    input.progress(
      `web: upload control interactive after ${Math.round(interactive.p50)} ms (median of ${input.runs} cold loads)`,
    );
    return {
      route,
      firstLoadJs: js,
      interactive,
      firstContentfulPaint: summarize(fcps),
      controlWorks,
      chromium: browser.version(),
    };
  } finally {
    await browser.close();
  }
}
