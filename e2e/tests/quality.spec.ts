import { readFileSync } from "node:fs";
import type { Locator, Page } from "@playwright/test";
import {
  expect,
  expectAccessible,
  expectImagesLoaded,
  expectNoHorizontalOverflow,
  HistoryPage,
  JobPage,
  jobIdFrom,
  NOT_AN_IMAGE,
  PHOTO,
  PORTRAIT_PHOTO,
  snap,
  test,
  UploadPage,
} from "../fixtures.ts";

/** Presses Tab (or Shift+Tab) until `target` has focus, as a keyboard user would; fails if it is never reached. */
async function tabTo(page: Page, target: Locator, { backwards = false, max = 40 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
  }
  throw new Error(`Tab never reached ${target}`);
}

test("keyboard only: pick a photo, set options, create, open a comparison and move it", async ({
  page,
  uploadPage,
  jobPage,
}, testInfo) => {
  await uploadPage.goto();

  // The file input is reachable by Tab and opens the system picker from the keyboard.
  await tabTo(page, uploadPage.fileInput);
  const chooser = page.waitForEvent("filechooser");
  await page.keyboard.press("Space");
  await (await chooser).setFiles(PHOTO);
  await expect(uploadPage.preview).toBeVisible();

  // Options with arrow keys, as radio groups work.
  await tabTo(page, uploadPage.variations(4));
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowLeft");
  await expect(uploadPage.variations(1)).toBeChecked();
  await page.keyboard.press("Tab");
  await expect(uploadPage.strength("Subtle")).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(uploadPage.strength("Strong")).toBeChecked();
  await page.keyboard.press("Tab");
  await page.keyboard.press("ArrowDown");
  await expect(uploadPage.useSeed).toBeChecked();
  await page.keyboard.press("Tab");
  await expect(uploadPage.seedNumber).toBeFocused();
  await page.keyboard.type("2024");
  await tabTo(page, uploadPage.submit);
  await expect(uploadPage.submit).toHaveText("Create 1 variation");
  await snap(page, testInfo, "home-keyboard-ready");
  await page.keyboard.press("Enter");

  await page.waitForURL(/\/jobs\//);
  await jobPage.waitForDone();
  await expect(page.getByText("1 variation · Strong · seed 2024")).toBeVisible();

  await tabTo(page, jobPage.compare(1));
  await page.keyboard.press("Enter");
  await expect(jobPage.dialog).toBeVisible();
  await tabTo(page, jobPage.slider);
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await expect(jobPage.slider).toHaveAttribute("aria-valuetext", "48% original, 52% variation");
  await page.keyboard.press("Escape");
  await expect(jobPage.dialog).toBeHidden();
  await expect(jobPage.compare(1)).toBeFocused();
  const id = jobIdFrom(page);

  // "Vary again" from the keyboard: the same original, a new seed, and the lineage says so.
  await tabTo(page, jobPage.varyAgain, { backwards: true });
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.pathname.startsWith("/jobs/") && !url.pathname.endsWith(id));
  await jobPage.waitForDone();
  await expect(jobPage.lineage).toContainText(`Made from the original of job ${id.slice(0, 8)}.`);
  await expect(page.getByText(/^1 variation · Strong · seed \d+$/)).toBeVisible();
  await expect(page.getByText("1 variation · Strong · seed 2024")).toBeHidden();

  // On a fresh page the skip link is the first stop, and it jumps past the header.
  await page.reload();
  await expect(jobPage.heading).toBeVisible();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#main$/);
});

for (const layout of [
  { name: "1440-light", width: 1440, height: 900, colorScheme: "light" as const },
  { name: "375-dark", width: 375, height: 812, colorScheme: "dark" as const },
]) {
  test(`every page passes axe and fits at ${layout.name}`, async ({ page }, testInfo) => {
    await page.setViewportSize({ width: layout.width, height: layout.height });
    await page.emulateMedia({ colorScheme: layout.colorScheme });
    const upload = new UploadPage(page);
    const job = new JobPage(page);
    const history = new HistoryPage(page);

    const check = async (name: string) => {
      await expectNoHorizontalOverflow(page);
      await expectAccessible(page, testInfo, `${name}-${layout.name}`);
      await snap(page, testInfo, `${name}-${layout.name}`);
    };

    await history.goto();
    await expect(history.empty).toBeVisible();
    await check("history-empty");

    await upload.goto();
    await check("home");
    await upload.choose(NOT_AN_IMAGE);
    await expect(upload.alert).toBeVisible();
    await check("home-error");
    await upload.choose(PHOTO);
    await expect(upload.preview).toBeVisible();
    await upload.useSeed.check();
    await check("home-preview");

    await upload.seedNumber.fill("99");
    await upload.variations(1).check({ force: true });
    await upload.submit.click();
    await page.waitForURL(/\/jobs\//);
    const id = jobIdFrom(page);
    await check("job-in-progress");
    await job.waitForDone();
    await expectImagesLoaded(page.getByRole("main").getByRole("img"));
    await check("job-done");

    await job.compare(1).click();
    await expect(job.dialog).toBeVisible();
    await expectImagesLoaded(job.dialog.getByRole("img"));
    await expectAccessible(page, testInfo, `compare-${layout.name}`);
    await snap(page, testInfo, `compare-${layout.name}`);
    const box = await job.dialog.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= layout.width).toBe(true);
    await page.keyboard.press("Escape");

    await history.goto();
    await expect(history.card(id)).toBeVisible();
    await expectImagesLoaded(history.list.getByRole("img"));
    await check("history");

    await page.goto("/jobs/AAAAAAAAAAAAAAAAAAAAAA");
    await expect(job.heading).toHaveText("Job not found");
    await check("job-not-found");

    await page.goto("/no-such-page");
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await check("not-found");
  });
}

test("a photo can also be dropped on the page or pasted", async ({
  page,
  uploadPage,
}, testInfo) => {
  await uploadPage.goto();
  const photo = [...readFileSync(PORTRAIT_PHOTO)];

  // Drop onto the drop zone, as a file dragged from the desktop arrives.
  const zone = page.getByText("Drop an image here");
  await zone.evaluate((element, bytes) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], "dropped.jpg", { type: "image/jpeg" }));
    for (const type of ["dragenter", "dragover", "drop"]) {
      element.dispatchEvent(
        new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }),
      );
    }
  }, photo);
  await expect(uploadPage.preview).toHaveAccessibleName("Preview of dropped.jpg");
  await expect(page.getByText(/720 × 960 px/)).toBeVisible();
  await snap(page, testInfo, "home-dropped");

  // Paste from the clipboard anywhere on the page replaces it.
  await page.evaluate((bytes) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], "image.png", { type: "image/png" }));
    document.dispatchEvent(
      new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, photo);
  await expect(uploadPage.preview).toHaveAccessibleName("Preview of image.png");
  await expect(uploadPage.submit).toBeEnabled();
});

test("the upload page loads at most 150 kB of JavaScript, compressed", async ({
  page,
}, testInfo) => {
  const scripts: { url: string; bytes: Promise<number> }[] = [];
  page.on("requestfinished", (request) => {
    if (request.resourceType() === "script") {
      scripts.push({ url: request.url(), bytes: request.sizes().then((s) => s.responseBodySize) });
    }
  });
  await page.goto("/", { waitUntil: "networkidle" });
  const sizes = await Promise.all(scripts.map(async (s) => ({ url: s.url, bytes: await s.bytes })));
  const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
  await testInfo.attach("first-load-js.json", {
    body: JSON.stringify({ totalBytes: total, scripts: sizes }, null, 2),
    contentType: "application/json",
  });
  console.log(
    `upload page: ${(total / 1000).toFixed(1)} kB of script over the wire in ${sizes.length} files`,
  );
  expect(sizes.length).toBeGreaterThan(0);
  expect(total).toBeLessThanOrEqual(150_000);
});
