import { readFileSync } from "node:fs";
import { unzipSync } from "fflate";
import sharp from "sharp";
import { expect, expectImagesLoaded, jobIdFrom, PHOTO, snap, test } from "../fixtures.ts";

test("a person turns a photo into variations, compares, downloads, varies it and tidies up", async ({
  page,
  context,
  uploadPage,
  jobPage,
  historyPage,
}, testInfo) => {
  const apiCalls: { url: string; at: number }[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname.startsWith("/api/"))
      apiCalls.push({ url: r.url(), at: Date.now() });
  });
  await uploadPage.goto();
  await snap(page, testInfo, "home");

  await uploadPage.choose(PHOTO);
  await expect(uploadPage.preview).toBeVisible();
  await expect(page.getByText("lake-at-dusk.jpg")).toBeVisible();
  await expect(page.getByText(/1200 × 800 px/)).toBeVisible();
  await uploadPage.variations(2).check({ force: true });
  await expect(uploadPage.submit).toHaveText("Create 2 variations");
  await snap(page, testInfo, "home-with-preview");

  // A slow connection: the progress bar moves with the bytes, and the upload can be cancelled.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 16 * 1024,
  });
  const created = page.waitForResponse(
    (r) => r.url().endsWith("/api/jobs") && r.request().method() === "POST",
  );
  await uploadPage.submit.click();
  const abandonedId = ((await (await created).json()) as { job: { id: string } }).job.id;
  await expect(uploadPage.progress).toBeVisible();
  await expect
    .poll(async () => Number(await uploadPage.progress.getAttribute("aria-valuenow")))
    .toBeGreaterThan(0);
  expect(Number(await uploadPage.progress.getAttribute("aria-valuenow"))).toBeLessThan(100);
  await snap(page, testInfo, "home-uploading");
  await uploadPage.cancel.click();
  await expect(page.getByText("Upload cancelled. Nothing was sent to ArtAI.")).toBeVisible();
  await expect(uploadPage.preview).toBeVisible();
  // The job whose upload was cancelled is removed, so it never lingers in History.
  await expect
    .poll(async () => (await page.request.get(`/api/jobs/${abandonedId}`)).status())
    .toBe(404);

  // The connection to the object store drops mid-upload: the page says so in words, keeps the
  // photo and options, removes the half-made job, and "Try again" starts afresh.
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  const site = new URL(page.url()).origin;
  const offSite = (url: URL) => url.origin !== site;
  await page.route(offSite, (route) =>
    route.request().method() === "POST" ? route.abort("connectionreset") : route.continue(),
  );
  const droppedJob = page.waitForResponse(
    (r) => r.url().endsWith("/api/jobs") && r.request().method() === "POST",
  );
  await uploadPage.submit.click();
  const droppedId = ((await (await droppedJob).json()) as { job: { id: string } }).job.id;
  await expect(uploadPage.alert).toContainText("The connection dropped during the upload");
  await expect(uploadPage.preview).toBeVisible();
  await snap(page, testInfo, "home-upload-dropped");
  await page.unroute(offSite);
  await expect
    .poll(async () => (await page.request.get(`/api/jobs/${droppedId}`)).status())
    .toBe(404);

  const stored = page.waitForResponse(
    (r) => r.request().method() === "POST" && !r.url().includes("/api/"),
  );
  await uploadPage.alert.getByRole("button", { name: "Try again" }).click();
  expect((await stored).status()).toBe(204);
  await page.waitForURL(/\/jobs\//);
  const id = jobIdFrom(page);
  await expect(jobPage.steps).toBeVisible();
  await snap(page, testInfo, "job-in-progress");

  await jobPage.waitForDone();
  await expect(jobPage.finalStep).toHaveText("Done");
  await expect(page).toHaveTitle("Ready · Your variations · ArtAI");
  // Live status by long polling: about one request per status change, not one per second.
  const reads = apiCalls.filter((c) => new URL(c.url).pathname === `/api/jobs/${id}`);
  const seconds = (Date.now() - (reads[0]?.at ?? Date.now())) / 1000;
  testInfo.annotations.push({
    type: "job reads",
    description: `${reads.length} in ${seconds.toFixed(1)} s`,
  });
  console.log(`job page reads for ${id}: ${reads.length} requests over ${seconds.toFixed(1)} s`);
  expect(reads.length).toBeGreaterThanOrEqual(2);
  expect(reads.length).toBeLessThanOrEqual(3 + Math.ceil(seconds / 25));
  await expect(page.getByText(/^Took/)).toHaveText(/Took \d+:\d\d/);
  await expect(jobPage.variationImages).toHaveCount(2);
  await expectImagesLoaded(page.getByRole("main").getByRole("img"));
  await snap(page, testInfo, "job-done");

  // Compare: a before/after slider, moved with the keyboard.
  await jobPage.compare(1).click();
  await expect(jobPage.dialog).toBeVisible();
  await expect(jobPage.dialog.getByRole("heading")).toHaveText(
    "Variation 1 compared with the original",
  );
  await expectImagesLoaded(jobPage.dialog.getByRole("img"));
  await expect(jobPage.slider).toHaveAttribute("aria-valuetext", "50% original, 50% variation");
  await jobPage.slider.focus();
  for (let i = 0; i < 20; i++) await page.keyboard.press("ArrowRight");
  await expect(jobPage.slider).toHaveAttribute("aria-valuetext", "70% original, 30% variation");
  await snap(page, testInfo, "job-compare");
  await page.keyboard.press("Escape");
  await expect(jobPage.dialog).toBeHidden();
  await expect(jobPage.compare(1)).toBeFocused();

  // Download one variation: a real image of the size the API reports.
  const job = (await (await page.request.get(`/api/jobs/${id}`)).json()) as {
    variations: { index: number; width: number; height: number }[];
  };
  const [single] = await Promise.all([page.waitForEvent("download"), jobPage.download(1).click()]);
  expect(single.suggestedFilename()).toMatch(
    new RegExp(`^artai-${id.slice(0, 8)}-variation-1\\.(png|jpg|webp)$`),
  );
  const meta = await sharp(await single.path()).metadata();
  expect({ width: meta.width, height: meta.height }).toEqual({
    width: job.variations[0]?.width,
    height: job.variations[0]?.height,
  });

  // Download all as a zip: one image per variation, and they differ.
  const [zip] = await Promise.all([page.waitForEvent("download"), jobPage.downloadAll.click()]);
  expect(zip.suggestedFilename()).toBe(`artai-${id.slice(0, 8)}.zip`);
  const entries = unzipSync(readFileSync(await zip.path()));
  const names = Object.keys(entries).sort();
  expect(names).toEqual([
    expect.stringMatching(/-variation-1\.(png|jpg|webp)$/),
    expect.stringMatching(/-variation-2\.(png|jpg|webp)$/),
  ]);
  const images = names.map((name) => Buffer.from(entries[name] as Uint8Array));
  for (const image of images) expect((await sharp(image).metadata()).width).toBeGreaterThan(0);
  expect(images[0]?.equals(images[1] as Buffer)).toBe(false);

  // "Vary this": variation 2 becomes the input of a new job, and the connection drops meanwhile.
  await jobPage.varyThis(2).click();
  await page.waitForURL((url) => url.pathname.startsWith("/jobs/") && !url.pathname.endsWith(id));
  const childId = jobIdFrom(page);
  await context.setOffline(true);
  await expect(page.getByText("You're offline. Jobs keep running on ArtAI")).toBeVisible();
  await snap(page, testInfo, "job-offline");
  await context.setOffline(false);
  await expect(page.getByText("You're offline. Jobs keep running on ArtAI")).toBeHidden();
  await jobPage.waitForDone();
  await expect(jobPage.lineage).toContainText(`Made from variation 2 of job ${id.slice(0, 8)}.`);
  await snap(page, testInfo, "job-from-variation");

  // The parent shows what was made from it.
  await jobPage.lineage.getByRole("link", { name: `variation 2 of job ${id.slice(0, 8)}` }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${id}$`));
  await expect(
    jobPage.lineage.getByRole("link", { name: new RegExp(`Job ${childId.slice(0, 8)}`) }),
  ).toBeVisible();

  // History: newest first, with thumbnails.
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "History" })
    .click();
  await expect(historyPage.heading).toBeVisible();
  const cards = historyPage.list.getByRole("article");
  await expect(cards).toHaveCount(2);
  await expect(cards.nth(0)).toHaveAccessibleName(`Job ${childId.slice(0, 8)}`);
  await expect(cards.nth(1)).toHaveAccessibleName(`Job ${id.slice(0, 8)}`);
  await expect(historyPage.card(id).getByText("Done", { exact: true })).toBeVisible();
  await expectImagesLoaded(historyPage.list.getByRole("img"));
  await snap(page, testInfo, "history");

  // Delete the newer job: it goes, with its images.
  const childImage = (
    (await (await page.request.get(`/api/jobs/${childId}`)).json()) as {
      variations: { url: string }[];
    }
  ).variations[0]?.url as string;
  await historyPage.deleteButton(childId).click();
  const confirm = page.getByRole("dialog", { name: `Delete job ${childId.slice(0, 8)}?` });
  await expect(confirm).toBeVisible();
  await snap(page, testInfo, "history-confirm-delete");
  await confirm.getByRole("button", { name: "Delete for good" }).click();
  await expect(historyPage.card(childId)).toHaveCount(0);
  await expect(cards).toHaveCount(1);
  expect((await page.request.get(`/api/jobs/${childId}`)).status()).toBe(404);
  expect((await page.request.get(childImage)).ok()).toBe(false);
});
