/**
 * Part 4, the web app (production build): the upload page's first-load JavaScript, counted by the
 * web package's own script, and the time until its upload control is interactive in headless
 * Chromium, cold browser cache each time.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CHROMIUM_ARGS } from "@artai/local/chromium";
import { WEB_DIR } from "@artai/local/web";
import { chromium } from "playwright-core";
import { runNode } from "./children.ts";
import { type Summary, summarize } from "./stats.ts";

export interface WebResults {
  route: string;
  /** The web package's own script (it reads the prerendered HTML of the route in .next). */
  firstLoadJs?: { gzipBytes: number; rawBytes: number; chunks: number; budgetBytes: number };
  /** Why the web package's script gave no figure. */
  firstLoadJsError?: string;
  /** What a cold browser visit really downloads: every same-origin script up to network idle, each gzipped at zlib's default level as the web package's script does. */
  browserJs?: { gzipBytes: number; rawBytes: number; chunks: number };
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
  let js: WebResults["firstLoadJs"];
  let firstLoadJsError: string | undefined;
  try {
    js = await firstLoadJs(route);
    input.progress(`web: first-load JS for ${route} ${(js.gzipBytes / 1000).toFixed(1)} kB gzip`);
  } catch (error) {
    firstLoadJsError = (error instanceof Error ? error.message : String(error))
      .trim()
      .split("\n")[0];
    input.progress(`web: the web package's first-load script gave no figure: ${firstLoadJsError}`);
  }

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
    return { route, firstLoadJs: js, firstLoadJsError, browserSkipped: reason };
  }
  try {
    const visit = async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(input.base, { waitUntil: "commit" });
      // Runs in the page (as a function: the site's CSP forbids evaluating strings). React has
      // attached its handlers to the file input once the element carries React's props.
      const handle = await page.waitForFunction(
        () => {
          type Input = { disabled?: boolean } | null;
          const doc = (globalThis as unknown as { document: { querySelector(q: string): Input } })
            .document;
          const el = doc.querySelector('input[type="file"][aria-label="Choose an image"]');
          const hydrated = el !== null && Object.keys(el).some((k) => k.startsWith("__reactProps"));
          return hydrated && !el?.disabled ? performance.now() : false;
        },
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

    // What a cold visit downloads, counted from the responses themselves.
    const scripts = new Map<string, Buffer>();
    const counting = await browser.newContext();
    const countPage = await counting.newPage();
    const origin = new URL(input.base).origin;
    countPage.on("response", (response) => {
      const url = response.url();
      if (response.request().resourceType() !== "script" || !url.startsWith(origin)) return;
      response.body().then(
        (body) => scripts.set(url, body),
        () => {},
      );
    });
    await countPage.goto(input.base, { waitUntil: "networkidle" });
    await counting.close();
    const browserJs = {
      gzipBytes: [...scripts.values()].reduce((a, b) => a + gzipSync(b).length, 0),
      rawBytes: [...scripts.values()].reduce((a, b) => a + b.length, 0),
      chunks: scripts.size,
    };
    input.progress(
      `web: a cold visit downloads ${(browserJs.gzipBytes / 1000).toFixed(1)} kB of JS gzip in ${browserJs.chunks} scripts`,
    );

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
      firstLoadJsError,
      browserJs,
      interactive,
      firstContentfulPaint: summarize(fcps),
      controlWorks,
      chromium: browser.version(),
    };
  } finally {
    await browser.close();
  }
}
