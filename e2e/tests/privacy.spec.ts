import {
  expect,
  HistoryPage,
  JobPage,
  PORTRAIT_PHOTO,
  snap,
  test,
  UploadPage,
} from "../fixtures.ts";

test("two people in two browsers can't see or delete each other's jobs", async ({
  browser,
}, testInfo) => {
  const baseURL = testInfo.project.use.baseURL;
  const alice = await browser.newContext({ baseURL });
  const bob = await browser.newContext({ baseURL });
  const alicePage = await alice.newPage();
  const bobPage = await bob.newPage();

  const upload = new UploadPage(alicePage);
  await upload.goto();
  const id = await upload.create(PORTRAIT_PHOTO, { variations: 1, strength: "Strong", seed: 7 });
  const aliceJob = new JobPage(alicePage);
  await aliceJob.waitForDone();
  await expect(alicePage.getByText("1 variation · Strong · seed 7")).toBeVisible();

  // Bob has Alice's link, but not her cookie.
  const bobJob = new JobPage(bobPage);
  await bobJob.goto(id);
  await expect(bobJob.heading).toHaveText("Job not found");
  await expect(bobPage.getByText("belongs to another browser")).toBeVisible();
  await expect(bobJob.variationImages).toHaveCount(0);
  await snap(bobPage, testInfo, "job-not-found");

  const bobHistory = new HistoryPage(bobPage);
  await bobHistory.goto();
  await expect(bobHistory.empty).toBeVisible();
  await snap(bobPage, testInfo, "history-empty");

  expect((await bob.request.get(`/api/jobs/${id}`)).status()).toBe(404);
  expect((await bob.request.delete(`/api/jobs/${id}`)).status()).toBe(404);
  const varyResponse = await bob.request.post("/api/jobs", { data: { from: { jobId: id } } });
  expect(varyResponse.status()).toBe(404);
  expect(((await (await bob.request.get("/api/jobs")).json()) as { jobs: unknown[] }).jobs).toEqual(
    [],
  );

  // Alice still has everything.
  expect((await alice.request.get(`/api/jobs/${id}`)).status()).toBe(200);
  const aliceHistory = new HistoryPage(alicePage);
  await aliceHistory.goto();
  await expect(aliceHistory.card(id)).toBeVisible();

  await alice.close();
  await bob.close();
});
