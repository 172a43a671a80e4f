import { beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors/index.ts";
import { admit, NotThroughEdge, SECRET_HEADER, VIEWER_HEADER } from "./index.ts";

const SECRET = "s3cr3t-shared-by-the-edge-and-the-api";

describe("Edge.admit", () => {
  // SST reads its links once, at the first access to `Resource`; the API's link is set before it.
  beforeAll(() => {
    process.env.SST_RESOURCE_EdgeSecret = JSON.stringify({ value: SECRET, type: "sst.sst.Secret" });
  });

  const refusal = (headers: Record<string, string> | undefined) => {
    try {
      admit(headers, "130.176.1.1");
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      return { status: (error as AppError).status, ...(error as AppError).toJSON() };
    }
    throw new Error("admitted");
  };

  it("admits a request carrying the edge's secret, as the viewer the edge names", () => {
    expect(
      admit({ [SECRET_HEADER]: SECRET, [VIEWER_HEADER]: "198.51.100.7" }, "130.176.1.1"),
    ).toEqual({ client: "198.51.100.7" });
    expect(admit({ [SECRET_HEADER]: SECRET, [VIEWER_HEADER]: "2001:db8::1" })).toEqual({
      client: "2001:db8::1",
    });
  });

  it("falls back to the connection's address when the edge names no viewer", () => {
    expect(admit({ [SECRET_HEADER]: SECRET }, "203.0.113.9")).toEqual({ client: "203.0.113.9" });
    expect(admit({ [SECRET_HEADER]: SECRET, [VIEWER_HEADER]: " " })).toEqual({ client: "unknown" });
  });

  it("refuses, with 403 Forbidden, a request with no secret, a wrong one, or a prefix of it", () => {
    const attempts: (Record<string, string> | undefined)[] = [
      undefined,
      {},
      { [VIEWER_HEADER]: "198.51.100.7" },
      { [SECRET_HEADER]: "" },
      { [SECRET_HEADER]: "guess" },
      { [SECRET_HEADER]: SECRET.slice(0, -1) },
      { [SECRET_HEADER]: `${SECRET} ` },
    ];
    for (const headers of attempts) {
      expect(refusal(headers)).toEqual({
        status: 403,
        code: "Forbidden",
        message: expect.stringMatching(/only through the site's own address/),
      });
    }
  });

  it("refuses everything when no secret is configured, rather than trusting any", () => {
    expect(() => admit({ [SECRET_HEADER]: "" }, "203.0.113.9", "")).toThrow(NotThroughEdge);
    expect(() => admit({ [SECRET_HEADER]: "anything" }, "203.0.113.9", "")).toThrow(NotThroughEdge);
    expect(() => admit({}, "203.0.113.9", "")).toThrow(NotThroughEdge);
    // The same request is admitted once a secret is configured and matches.
    expect(admit({ [SECRET_HEADER]: "anything" }, "203.0.113.9", "anything")).toEqual({
      client: "203.0.113.9",
    });
  });
});
