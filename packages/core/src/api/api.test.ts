import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { STYLES } from "../contract/index.ts";
import { AppError } from "../errors/index.ts";
import { ownerIdFromToken, parseCreate } from "./index.ts";

const codeOf = (body: unknown) => {
  try {
    parseCreate(body);
    return "ok";
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const e = error as AppError;
    expect(e.status).toBe(400);
    expect(e.message.length).toBeGreaterThan(5);
    return e.code;
  }
};

describe("parseCreate", () => {
  it("applies the defaults: 4 subtle photo variations", () => {
    expect(parseCreate({ contentType: "image/png", size: 10 })).toEqual({
      contentType: "image/png",
      size: 10,
      variations: 4,
      strength: "subtle",
      style: "photo",
    });
  });

  it("takes every style of the contract and refuses any other; from a job, no style means the parent's", () => {
    for (const { id } of STYLES)
      expect(parseCreate({ contentType: "image/png", size: 10, style: id })).toMatchObject({
        style: id,
      });
    expect(codeOf({ contentType: "image/png", size: 10, style: "cubism" })).toBe("InvalidRequest");
    expect(codeOf({ contentType: "image/png", size: 10, style: "" })).toBe("InvalidRequest");
    expect(codeOf({ contentType: "image/png", size: 10, style: 3 })).toBe("InvalidRequest");
    const from = { from: { jobId: "a".repeat(22) } };
    expect(parseCreate(from)).not.toHaveProperty("style");
    expect(parseCreate({ ...from, style: "pencil" })).toMatchObject({ style: "pencil" });
    expect(codeOf({ ...from, style: "crayon" })).toBe("InvalidRequest");
  });

  it("names the problem: unknown field, wrong type, out-of-range variations, type and size", () => {
    expect(codeOf({ contentType: "image/png", size: 10, admin: true })).toBe("InvalidRequest");
    expect(codeOf({ contentType: "image/png", size: "10" })).toBe("InvalidRequest");
    expect(codeOf({ contentType: "image/png", size: 10, variations: 5 })).toBe("InvalidRequest");
    expect(codeOf({ contentType: "image/png", size: 10, variations: 0 })).toBe("InvalidRequest");
    expect(codeOf({ contentType: "image/svg+xml", size: 10 })).toBe("UnsupportedFormat");
    expect(codeOf({ contentType: "image/gif", size: 10 })).toBe("UnsupportedFormat");
    expect(codeOf({ contentType: "application/pdf", size: 10 })).toBe("UnsupportedFormat");
    expect(codeOf({ contentType: "image/jpeg", size: 10 * 1024 * 1024 + 1 })).toBe("ImageTooLarge");
    expect(codeOf({ contentType: "image/jpeg", size: 0 })).toBe("InvalidRequest");
    expect(codeOf(null)).toBe("InvalidRequest");
    expect(codeOf([])).toBe("InvalidRequest");
  });

  it("accepts every valid request and nothing outside the contract (property)", () => {
    const valid = fc.record(
      {
        contentType: fc.constantFrom("image/png", "image/jpeg", "image/webp"),
        size: fc.integer({ min: 1, max: 10 * 1024 * 1024 }),
        variations: fc.integer({ min: 1, max: 4 }),
        strength: fc.constantFrom("subtle", "strong"),
        seed: fc.integer({ min: 0, max: 0xffffffff }),
        style: fc.constantFrom(...STYLES.map((s) => s.id)),
      },
      { requiredKeys: ["contentType", "size"] },
    );
    fc.assert(
      fc.property(valid, (body) => {
        const parsed = parseCreate(body);
        expect(parsed).toMatchObject(body);
      }),
    );
    fc.assert(
      fc.property(fc.anything(), (body) => {
        const ok = codeOf(body) === "ok";
        // Anything accepted must be a well-formed request.
        if (ok) expect(typeof (body as { contentType?: unknown }).contentType).toBe("string");
      }),
    );
    fc.assert(
      fc.property(
        valid,
        fc.integer().filter((n) => n < 1 || n > 4),
        (body, variations) => {
          expect(codeOf({ ...body, variations })).toBe("InvalidRequest");
        },
      ),
    );
  });
});

describe("owner ids", () => {
  it("are a one-way hash of the cookie token", () => {
    const id = ownerIdFromToken("a".repeat(43));
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(id).not.toContain("aaaa");
    expect(ownerIdFromToken("a".repeat(43))).toBe(id);
    expect(ownerIdFromToken("b".repeat(43))).not.toBe(id);
  });
});
