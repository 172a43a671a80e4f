import { afterEach, describe, expect, it } from "vitest";
import { limits } from "./index.ts";

describe("limits", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("defaults to 60 creations and 600 reads a minute per address, 10 open jobs per owner", () => {
    delete process.env.ARTAI_LIMIT_CREATES_PER_MINUTE;
    delete process.env.ARTAI_LIMIT_READS_PER_MINUTE;
    delete process.env.ARTAI_LIMIT_OPEN_JOBS;
    expect(limits()).toEqual({ createsPerMinute: 60, readsPerMinute: 600, openJobsPerOwner: 10 });
  });

  it("reads each limit from the environment and ignores values that are not positive numbers", () => {
    process.env.ARTAI_LIMIT_CREATES_PER_MINUTE = "5";
    process.env.ARTAI_LIMIT_READS_PER_MINUTE = "-3";
    process.env.ARTAI_LIMIT_OPEN_JOBS = "lots";
    expect(limits()).toEqual({ createsPerMinute: 5, readsPerMinute: 600, openJobsPerOwner: 10 });
  });
});
