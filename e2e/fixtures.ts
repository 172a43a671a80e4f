/**
 * Page objects for ArtAI's pages, and a `test` that hands them to each test. Locators are built from
 * roles and labels, the way a person (or a screen reader) finds things.
 */
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Locator, type Page, type TestInfo } from "@playwright/test";

export const FIXTURES = join(import.meta.dirname, "fixtures");
export const PHOTO = join(FIXTURES, "lake-at-dusk.jpg");
export const PORTRAIT_PHOTO = join(FIXTURES, "valley-morning.jpg");
export const NOT_AN_IMAGE = join(FIXTURES, "notes.png");

/** How long a job may take on a busy 2-core machine before a test gives up on it. */
export const JOB_TIMEOUT = 120_000;

export class UploadPage {
  readonly fileInput: Locator;
  readonly preview: Locator;
  readonly variationsGroup: Locator;
  readonly styleGroup: Locator;
  readonly seedGroup: Locator;
  readonly surpriseMe: Locator;
  readonly useSeed: Locator;
  readonly seedNumber: Locator;
  readonly submit: Locator;
  readonly progress: Locator;
  readonly cancel: Locator;
  readonly alert: Locator;
  readonly status: Locator;

  constructor(readonly page: Page) {
    this.fileInput = page.getByLabel("Choose an image", { exact: true });
    this.preview = page.getByRole("img", { name: /^Preview of/ });
    this.variationsGroup = page.getByRole("group", { name: "Number of variations" });
    this.styleGroup = page.getByRole("group", { name: "Style" });
    this.seedGroup = page.getByRole("group", { name: "Seed" });
    this.surpriseMe = page.getByRole("radio", { name: "Surprise me" });
    this.useSeed = page.getByRole("radio", { name: /Use a seed/ });
    this.seedNumber = page.getByLabel("Seed number");
    this.submit = page.getByRole("button", { name: /^Create \d variations?$/ });
    this.progress = page.getByRole("progressbar");
    this.cancel = page.getByRole("button", { name: "Cancel upload" });
    // Scoped to <main>: Next's route announcer is an (empty) alert too.
    this.alert = page.getByRole("main").getByRole("alert");
    this.status = page.getByRole("main").getByRole("status");
  }

  async goto() {
    await this.page.goto("/");
    await expect(this.page.getByRole("heading", { level: 1 })).toBeVisible();
  }

  variations(n: number): Locator {
    return this.variationsGroup.getByRole("radio", { name: String(n), exact: true });
  }

  /** A style's card in the picker, by its name ("Watercolour"). */
  style(name: string): Locator {
    return this.styleGroup.getByRole("radio", { name: new RegExp(`^${name}`) });
  }

  strength(name: "Subtle" | "Strong"): Locator {
    return this.page.getByRole("radio", { name: new RegExp(`^${name}`) });
  }

  async choose(file: string) {
    await this.fileInput.setInputFiles(file);
  }

  /** Picks a photo and options, starts, and waits for the job page. Returns the job id. */
  async create(
    file: string,
    options: {
      variations?: number;
      strength?: "Subtle" | "Strong";
      seed?: number;
      style?: string;
    } = {},
  ) {
    await this.choose(file);
    await expect(this.preview).toBeVisible();
    if (options.style) await this.style(options.style).check({ force: true });
    if (options.variations) await this.variations(options.variations).check({ force: true });
    if (options.strength) await this.strength(options.strength).check({ force: true });
    if (options.seed !== undefined) {
      await this.useSeed.check();
      await this.seedNumber.fill(String(options.seed));
    }
    await this.submit.click();
    await this.page.waitForURL(/\/jobs\/[A-Za-z0-9_-]+$/);
    return jobIdFrom(this.page);
  }
}

export class JobPage {
  readonly heading: Locator;
  readonly steps: Locator;
  readonly original: Locator;
  readonly variationsRegion: Locator;
  readonly variationImages: Locator;
  readonly downloadAll: Locator;
  readonly varyAgain: Locator;
  readonly jobStyle: Locator;
  readonly nextStyle: Locator;
  readonly dialog: Locator;
  readonly slider: Locator;
  readonly lineage: Locator;
  readonly failure: Locator;
  readonly tryAgain: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole("heading", { level: 1 });
    this.steps = page.getByRole("list", { name: "Progress" });
    this.original = page
      .getByRole("region", { name: "Original" })
      .getByRole("img", { name: "Original" });
    this.variationsRegion = page.getByRole("region", { name: "Variations" });
    this.variationImages = this.variationsRegion.getByRole("img", { name: /^Variation \d$/ });
    this.downloadAll = page.getByRole("button", { name: "Download all (.zip)" });
    this.varyAgain = page.getByRole("button", { name: "Vary again" });
    this.jobStyle = page.getByTestId("job-style");
    this.nextStyle = page.getByLabel("Style for new variations");
    this.dialog = page.getByRole("dialog");
    this.slider = this.dialog.getByRole("slider", { name: "Comparison divider" });
    this.lineage = page.getByRole("region", { name: "Lineage" });
    this.failure = page.getByRole("main").getByRole("alert");
    this.tryAgain = page.getByRole("button", { name: "Try again" });
  }

  async goto(id: string) {
    await this.page.goto(`/jobs/${id}`);
  }

  compare(n: number): Locator {
    return this.page.getByRole("button", { name: `Compare variation ${n} with the original` });
  }

  download(n: number): Locator {
    return this.page.getByRole("button", { name: `Download variation ${n}` }).first();
  }

  varyThis(n: number): Locator {
    return this.page.getByRole("button", { name: `Vary this (variation ${n})` });
  }

  /** The last of the three steps: "Done" or "Failed" once the job ends. */
  get finalStep(): Locator {
    return this.steps.getByRole("listitem").last();
  }

  async waitForDone() {
    await expect(this.heading).toHaveText("Your variations are ready", { timeout: JOB_TIMEOUT });
  }
}

export class HistoryPage {
  readonly heading: Locator;
  readonly list: Locator;
  readonly empty: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole("heading", { level: 1, name: "History" });
    this.list = page.getByRole("list", { name: "Your jobs" });
    this.empty = page.getByText("Nothing here yet");
  }

  async goto() {
    await this.page.goto("/history");
    await expect(this.heading).toBeVisible();
  }

  card(id: string): Locator {
    return this.list.getByRole("article", { name: `Job ${id.slice(0, 8)}` });
  }

  deleteButton(id: string): Locator {
    return this.page.getByRole("button", { name: `Delete job ${id.slice(0, 8)}` });
  }
}

export function jobIdFrom(page: Page): string {
  const id = new URL(page.url()).pathname.split("/").pop();
  if (!id) throw new Error(`Not a job page: ${page.url()}`);
  return id;
}

/** Every <img> inside `scope` has finished loading real pixels. */
export async function expectImagesLoaded(scope: Locator) {
  await expect
    .poll(() =>
      scope.evaluateAll((imgs) =>
        imgs.every(
          (img) => img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0,
        ),
      ),
    )
    .toBe(true);
}

/** Saves a full-page screenshot as a test artifact: in test-results/ and in the HTML report. */
export async function snap(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** Runs axe and fails on serious or critical violations, listing them readably. */
export async function expectAccessible(page: Page, testInfo: TestInfo, name: string) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  await testInfo.attach(`axe-${name}.json`, {
    body: JSON.stringify(results.violations, null, 2),
    contentType: "application/json",
  });
  expect(
    bad.map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    ),
    `axe on ${name}`,
  ).toEqual([]);
}

/** The page has no horizontal scrollbar at its current width. */
export async function expectNoHorizontalOverflow(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow, "horizontal overflow in px").toBeLessThanOrEqual(0);
}

export const test = base.extend<{
  uploadPage: UploadPage;
  jobPage: JobPage;
  historyPage: HistoryPage;
  noPageErrors: undefined;
}>({
  // Every test also fails on an uncaught exception in the page (a crash the person would not see),
  // on anything the Content-Security-Policy blocked, and on a page served without a strict policy.
  noPageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      const unprotected: string[] = [];
      page.on("pageerror", (error) => errors.push(`${error.name}: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() === "error" && /Content Security Policy/i.test(message.text())) {
          errors.push(`CSP: ${message.text()}`);
        }
      });
      page.on("response", async (response) => {
        if (response.request().resourceType() !== "document") return;
        const policy = (await response.allHeaders())["content-security-policy"] ?? "";
        if (!/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/.test(policy)) {
          unprotected.push(`${response.url()}: ${policy || "no Content-Security-Policy"}`);
        }
      });
      await use(undefined);
      expect(errors, "uncaught errors or CSP violations in the page").toEqual([]);
      expect(unprotected, "pages served without a strict Content-Security-Policy").toEqual([]);
    },
    { auto: true },
  ],
  uploadPage: async ({ page }, use) => use(new UploadPage(page)),
  jobPage: async ({ page }, use) => use(new JobPage(page)),
  historyPage: async ({ page }, use) => use(new HistoryPage(page)),
});

export { expect };
