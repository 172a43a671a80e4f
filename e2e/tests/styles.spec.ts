import {
  expect,
  expectAccessible,
  expectImagesLoaded,
  jobIdFrom,
  PHOTO,
  snap,
  test,
} from "../fixtures.ts";

test("a person picks Watercolour, gets watercolours, and varying one keeps the style unless they change it", async ({
  page,
  uploadPage,
  jobPage,
}, testInfo) => {
  await uploadPage.goto();
  // Every style has a card with its preview, served as a static file (no image made per visit).
  const previews = uploadPage.styleGroup.locator("img");
  await expect(previews.first()).toBeVisible();
  await expectImagesLoaded(previews);
  for (const name of ["Photo", "Oil paint", "Watercolour", "Pencil sketch", "Screen print"])
    await expect(uploadPage.style(name)).toBeAttached();
  await expect(uploadPage.style("Photo")).toBeChecked();
  await expectAccessible(page, testInfo, "home-with-styles");

  const id = await uploadPage.create(PHOTO, { variations: 2, style: "Watercolour", seed: 12 });
  await jobPage.waitForDone();
  await expect(jobPage.jobStyle).toHaveText("Watercolour");
  await expect(jobPage.variationImages).toHaveCount(2);
  await expectImagesLoaded(jobPage.variationImages);
  // Each variation says its style.
  for (const n of [1, 2])
    await expect(
      jobPage.variationsRegion.getByText(/^· Watercolour · seed \d+$/).nth(n - 1),
    ).toBeVisible();
  const job = (await (await page.request.get(`/api/jobs/${id}`)).json()) as {
    options: { style: string };
  };
  expect(job.options.style).toBe("watercolour");
  await snap(page, testInfo, "watercolour-job");

  // "Vary this" keeps the style.
  await expect(jobPage.nextStyle).toHaveValue("watercolour");
  await jobPage.varyThis(1).click();
  await page.waitForURL((url) => !url.pathname.endsWith(id));
  const childId = jobIdFrom(page);
  await jobPage.waitForDone();
  await expect(jobPage.jobStyle).toHaveText("Watercolour");

  // Unless the person picks another style for the new variations.
  await jobPage.nextStyle.selectOption({ label: "Pencil sketch" });
  await jobPage.varyAgain.click();
  await page.waitForURL((url) => !url.pathname.endsWith(childId));
  await jobPage.waitForDone();
  await expect(jobPage.jobStyle).toHaveText("Pencil sketch");
  await expect(jobPage.variationsRegion.getByText(/· Pencil sketch · seed/).first()).toBeVisible();
});
