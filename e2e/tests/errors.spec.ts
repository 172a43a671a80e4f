import { readFileSync, writeFileSync } from "node:fs";
import { MAX_PIXELS_IN_WORDS, MAX_UPLOAD_IN_WORDS } from "@artai/core/contract";
import { flat } from "@artai/test-images";
import { expect, HistoryPage, JOB_TIMEOUT, NOT_AN_IMAGE, PHOTO, snap, test } from "../fixtures.ts";

test("files ArtAI can't take are refused in plain words before anything is sent", async ({
  page,
  uploadPage,
}, testInfo) => {
  const sent: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST") sent.push(r.url());
  });
  await uploadPage.goto();

  // A text file named like a picture: the bytes give it away.
  await uploadPage.choose(NOT_AN_IMAGE);
  await expect(uploadPage.alert).toContainText("That file isn't an image ArtAI can read");
  await expect(uploadPage.alert).toContainText("“notes.png” isn't a PNG, JPEG or WebP image.");
  await expect(uploadPage.preview).toBeHidden();
  await expect(uploadPage.submit).toBeDisabled();
  await snap(page, testInfo, "home-not-an-image");

  // A real JPEG padded past the 10 MiB limit.
  const huge = testInfo.outputPath("huge-photo.jpg");
  const photo = readFileSync(PHOTO);
  writeFileSync(huge, Buffer.concat([photo, Buffer.alloc(11 * 1024 * 1024 - photo.length)]));
  await uploadPage.choose(huge);
  await expect(uploadPage.alert).toContainText("That file is too large");
  await expect(uploadPage.alert).toContainText(
    `“huge-photo.jpg” is 11.0 MiB. The limit is ${MAX_UPLOAD_IN_WORDS}`,
  );
  await expect(uploadPage.submit).toBeDisabled();
  await snap(page, testInfo, "home-too-large");

  // Small in bytes, huge in pixels: 6000 × 5000 is 30 megapixels.
  const wide = testInfo.outputPath("wall.png");
  writeFileSync(wide, await flat(6000, 5000, "png"));
  await uploadPage.choose(wide);
  await expect(uploadPage.alert).toContainText("That image has too many pixels");
  await expect(uploadPage.alert).toContainText("6000 × 5000 pixels (30.0 megapixels)");
  await expect(uploadPage.alert).toContainText(`up to ${MAX_PIXELS_IN_WORDS}`);
  await snap(page, testInfo, "home-too-many-pixels");

  // A good photo clears the problem.
  await uploadPage.choose(PHOTO);
  await expect(uploadPage.preview).toBeVisible();
  await expect(uploadPage.alert).toBeHidden();
  await expect(uploadPage.submit).toBeEnabled();

  expect(sent, "requests sent while refusing files").toEqual([]);
});

test("an image that only the server can see is bad fails with its reason and a way forward", async ({
  page,
  uploadPage,
  jobPage,
}, testInfo) => {
  // A JPEG with a script hidden after its end: browsers show it, ArtAI's worker refuses it.
  const polyglot = testInfo.outputPath("holiday.jpg");
  writeFileSync(
    polyglot,
    Buffer.concat([readFileSync(PHOTO), Buffer.from("<script>alert(1)</script>")]),
  );
  await uploadPage.goto();
  const id = await uploadPage.create(polyglot, { variations: 1 });

  await expect(jobPage.heading).toHaveText("This job didn't finish", { timeout: JOB_TIMEOUT });
  await expect(jobPage.failure).toContainText("That image looks damaged");
  await expect(jobPage.failure).toContainText("save a fresh copy");
  // …and the worker's own reason, so the person knows what was wrong with this file.
  await expect(jobPage.failure).toContainText("hidden after the image");
  await expect(jobPage.finalStep).toHaveText("Failed");
  await snap(page, testInfo, "job-failed");

  // The way forward is another image; the home page is one click away.
  await jobPage.failure.getByRole("link", { name: "Choose another image" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(uploadPage.fileInput).toBeAttached();

  const history = new HistoryPage(page);
  await history.goto();
  await expect(history.card(id).getByText("Failed", { exact: true })).toBeVisible();
});

test("too many unfinished jobs is explained, and Try again works once they are gone", async ({
  page,
  uploadPage,
  jobPage,
}, testInfo) => {
  await uploadPage.goto();
  // Fill this browser's allowance of unfinished jobs: created, never uploaded, so still queued.
  const open: string[] = [];
  for (let i = 0; i < 50; i++) {
    const response = await page.request.post("/api/jobs", {
      data: { contentType: "image/jpeg", size: 1000, variations: 1 },
    });
    if (response.status() === 429) {
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        "TooManyOpenJobs",
      );
      break;
    }
    expect(response.status()).toBe(201);
    open.push(((await response.json()) as { job: { id: string } }).job.id);
  }
  expect(open.length).toBeGreaterThan(0);

  await uploadPage.choose(PHOTO);
  await uploadPage.submit.click();
  await expect(uploadPage.alert).toContainText("You have several jobs still running");
  await expect(uploadPage.alert).toContainText("Wait for one of them to finish");
  await expect(page).toHaveURL(/\/$/);
  await snap(page, testInfo, "home-too-many-open-jobs");

  for (const id of open) expect((await page.request.delete(`/api/jobs/${id}`)).status()).toBe(204);
  await uploadPage.alert.getByRole("button", { name: "Try again" }).click();
  await page.waitForURL(/\/jobs\//);
  await expect(jobPage.steps).toBeVisible();
});
