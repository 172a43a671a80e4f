import { afterEach, describe, expect, it } from "vitest";
import { clientAddress, limits } from "./index.ts";

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

describe("clientAddress", () => {
  it("prefers the viewer address CloudFront sets, without its port", () => {
    expect(clientAddress({ viewerAddress: "198.51.100.7:46532", sourceIp: "130.176.1.1" })).toBe(
      "198.51.100.7",
    );
    expect(clientAddress({ viewerAddress: "2001:db8::1:46532" })).toBe("2001:db8::1");
    expect(clientAddress({ viewerAddress: "[2001:db8::1]:443" })).toBe("2001:db8::1");
  });

  it("falls back to the connection's address", () => {
    expect(clientAddress({ sourceIp: "203.0.113.9" })).toBe("203.0.113.9");
    expect(clientAddress({ viewerAddress: " ", sourceIp: "203.0.113.9" })).toBe("203.0.113.9");
    expect(clientAddress({})).toBe("unknown");
  });
});
