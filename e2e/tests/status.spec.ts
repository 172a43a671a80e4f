/**
 * The operators' status page: the token gate, then the 24-hour request count against the alarm
 * threshold drawn as a Chart.js chart, with queues, job latency and model health beside it.
 * The token is the one the stack generated into its data directory, or ARTAI_STATUS_TOKEN.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REQUEST_ALARM_THRESHOLD } from "@artai/core/contract";
import { expect, expectAccessible, snap, test } from "../fixtures.ts";

function operatorToken(): string {
  if (process.env.ARTAI_STATUS_TOKEN) return process.env.ARTAI_STATUS_TOKEN;
  const dataDir = process.env.ARTAI_E2E_DATA_DIR ?? process.env.ARTAI_DATA_DIR;
  if (!dataDir) throw new Error("Set ARTAI_STATUS_TOKEN to test a stack that is already running.");
  return readFileSync(join(dataDir, "status-token"), "utf8").trim();
}

test("an operator signs in and sees the last 24 hours of API requests against the alarm threshold", async ({
  page,
  request,
}, testInfo) => {
  // Some API traffic of our own, so the window cannot be empty.
  for (let i = 0; i < 6; i++) expect((await request.get("/api/jobs")).ok()).toBe(true);

  await page.goto("/status");
  await expect(page.getByRole("heading", { level: 1, name: "Status" })).toBeVisible();
  const tokenField = page.getByLabel("Operator token");
  const show = page.getByRole("button", { name: "Show status" });

  // A wrong token shows nothing but a clear refusal.
  await tokenField.fill("not-the-token");
  await show.click();
  await expect(page.getByRole("alert").filter({ hasText: "Not signed in" })).toContainText(
    "not the operators' status token",
  );
  await expect(page.getByRole("region", { name: "Queues" })).toHaveCount(0);

  await tokenField.fill(operatorToken());
  await show.click();
  const requests = page.getByRole("region", { name: "API requests, last 24 hours" });
  const chart = requests.getByRole("img", { name: /API requests in the last 24 hours/ });
  await expect(chart).toBeVisible();
  await expect(chart).toHaveAttribute("data-rendered", "true");

  // The chart really drew: a good share of the canvas holds painted pixels.
  const painted = await chart.evaluate((canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext("2d")?.getImageData(0, 0, c.width, c.height).data ?? [];
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
    return n / (c.width * c.height);
  });
  expect(painted).toBeGreaterThan(0.02);

  // The headline figures: at least our own requests, against the threshold, with the alarm state.
  const headline = await requests
    .getByText(/before the alarm/)
    .locator("..")
    .textContent();
  const [, count, threshold] = /([\d,]+)\s*of ([\d,]+) before the alarm/.exec(headline ?? "") ?? [];
  expect(Number(count?.replace(/,/g, ""))).toBeGreaterThanOrEqual(6);
  // The stack the config starts keeps the contract's threshold; a stack already running may set
  // its own (ARTAI_ALARM_THRESHOLD, docs/operations.md).
  const expected = Number(process.env.ARTAI_ALARM_THRESHOLD || REQUEST_ALARM_THRESHOLD);
  expect(Number(threshold?.replace(/,/g, ""))).toBe(expected);
  await expect(requests.getByText(/^Alarm: (OK|ALARM)$/)).toBeVisible();
  await expect(requests.getByText(/^New jobs (accepted|paused)$/)).toBeVisible();

  // The hourly numbers behind the chart, for anyone who cannot see it.
  await requests.getByText("Requests by hour, as a table").click();
  await expect(requests.getByRole("table").getByRole("row")).toHaveCount(25);

  for (const name of ["Queues", "Job latency, last 24 hours", "Model, last hour"]) {
    await expect(page.getByRole("region", { name })).toBeVisible();
  }
  await expect(page.getByRole("region", { name: "Queues" })).toContainText("Dead letters: waiting");
  await expect(page.getByRole("region", { name: "Model, last hour" })).toContainText(
    /Model: (healthy|degraded|idle)/,
  );

  await page.screenshot({ path: testInfo.outputPath("status-page.png"), fullPage: true });
  await snap(page, testInfo, "status-page");
  await expectAccessible(page, testInfo, "status");

  // The token is kept for this tab only: a reload goes straight back to the figures.
  await page.reload();
  await expect(chart).toHaveAttribute("data-rendered", "true");
});
