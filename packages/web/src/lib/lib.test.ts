import { MAX_UPLOAD_BYTES } from "@artai/core/contract";
import { describe, expect, it } from "vitest";
import { clockOffset, parseRetryAfter } from "./api.ts";
import { formatBytes, formatElapsed, formatElapsedWords, randomSeed } from "./format.ts";
import { sniffType } from "./image-check.ts";
import { explain } from "./messages.ts";
import { parseStoreError } from "./upload.ts";

const bytes = (...values: (number | string)[]) =>
  new Uint8Array(
    values.flatMap((v) => (typeof v === "string" ? [...v].map((c) => c.charCodeAt(0)) : [v])),
  );

describe("sniffType", () => {
  it("knows PNG, JPEG and WebP by their first bytes", () => {
    expect(sniffType(bytes(0x89, "PNG", 0x0d, 0x0a, 0x1a, 0x0a, 0, 0))).toBe("image/png");
    expect(sniffType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toBe("image/jpeg");
    expect(sniffType(bytes("RIFF", 0x24, 0, 0, 0, "WEBPVP8 "))).toBe("image/webp");
  });

  it("refuses what only looks like an image by name or by a partial signature", () => {
    expect(sniffType(bytes("GIF89a", 0, 0))).toBeNull();
    expect(sniffType(bytes("RIFF", 0, 0, 0, 0, "WAVEfmt "))).toBeNull();
    expect(sniffType(bytes(0x89, "PNX"))).toBeNull();
    expect(sniffType(new TextEncoder().encode("Shopping list: milk"))).toBeNull();
    expect(sniffType(new Uint8Array())).toBeNull();
  });
});

describe("parseStoreError", () => {
  const xml = (code: string, message: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>1</RequestId></Error>`;

  it("reads an expired POST policy as an expired upload link", () => {
    const error = parseStoreError(
      403,
      xml("AccessDenied", "Invalid according to Policy: Policy expired."),
    );
    expect(error.code).toBe("UploadExpired");
    expect(explain(error.code).title).toBe("The upload link expired");
  });

  it("reads a size refusal as a file that is too large", () => {
    expect(
      parseStoreError(
        400,
        xml("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"),
      ).code,
    ).toBe("ImageTooLarge");
  });

  it("keeps other refusals generic, with the store's words for the log", () => {
    const error = parseStoreError(
      403,
      xml("AccessDenied", "Invalid according to Policy: Policy Condition failed"),
    );
    expect(error.code).toBe("UploadRejected");
    expect(error.message).toContain("403 AccessDenied");
    expect(parseStoreError(502, "").code).toBe("UploadRejected");
  });
});

describe("explain", () => {
  const codes = [
    "UnsupportedFormat",
    "ImageTooLarge",
    "TooManyPixels",
    "CorruptImage",
    "ModelUnavailable",
    "UploadExpired",
    "UploadMissing",
    "RateLimited",
    "TooManyOpenJobs",
    "Paused",
    "InvalidRequest",
    "NotFound",
    "NetworkError",
  ];

  it("has its own plain words for every failure the API documents", () => {
    const generic = explain("SomethingNew").title;
    const titles = codes.map((code) => explain(code).title);
    expect(titles).not.toContain(generic);
    expect(new Set(titles).size).toBe(codes.length);
  });

  it("says how long to wait when the API said so", () => {
    expect(explain("RateLimited", { retryAfter: 1 }).detail).toBe(
      "Please wait 1 second and try again.",
    );
    expect(explain("RateLimited", { retryAfter: 30 }).detail).toBe(
      "Please wait 30 seconds and try again.",
    );
    expect(explain("RateLimited", { retryAfter: 90 }).detail).toBe(
      "Please wait 2 minutes and try again.",
    );
  });

  it("offers the right way forward: same image, another image, or later", () => {
    expect(explain("ModelUnavailable").retry).toBe("same");
    expect(explain("CorruptImage").retry).toBe("new-image");
    expect(explain("Paused").retry).toBe("later");
  });
});

describe("parseRetryAfter", () => {
  it("takes seconds or an HTTP date", () => {
    expect(parseRetryAfter("12")).toBe(12);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(parseRetryAfter(inTenSeconds)).toBeGreaterThanOrEqual(9);
    expect(parseRetryAfter(inTenSeconds)).toBeLessThanOrEqual(11);
  });
});

describe("formatting", () => {
  it("shows sizes in the same units as the 10 MiB limit", () => {
    expect(formatBytes(MAX_UPLOAD_BYTES)).toBe("10.0 MiB");
    expect(formatBytes(11 * 1024 * 1024)).toBe("11.0 MiB");
    expect(formatBytes(120_000)).toBe("117 KiB");
    expect(formatBytes(12)).toBe("12 bytes");
  });

  it("shows elapsed time as a clock and in words", () => {
    expect(formatElapsed(7_400)).toBe("0:07");
    expect(formatElapsed(62_000)).toBe("1:02");
    expect(formatElapsed(3_723_000)).toBe("1:02:03");
    expect(formatElapsed(-5)).toBe("0:00");
    expect(formatElapsedWords(1_000)).toBe("1 second");
    expect(formatElapsedWords(125_000)).toBe("2 minutes 5 seconds");
  });

  it("draws seeds across the API's whole range", () => {
    const seeds = Array.from({ length: 200 }, randomSeed);
    for (const seed of seeds) {
      expect(Number.isInteger(seed) && seed >= 0 && seed <= 4_294_967_295).toBe(true);
    }
    expect(new Set(seeds).size).toBeGreaterThan(190);
    expect(Math.max(...seeds)).toBeGreaterThan(2 ** 31);
  });
});

describe("clockOffset", () => {
  const at = Date.parse("2026-11-28T17:00:00.000Z");

  it("ignores the sub-second noise of a correct clock", () => {
    expect(clockOffset("Sat, 28 Nov 2026 17:00:00 GMT", at + 100, at + 300)).toBe(0);
    expect(clockOffset(null, at, at)).toBe(0);
    expect(clockOffset("not a date", at, at)).toBe(0);
  });

  it("measures a device clock that is minutes off", () => {
    // The device says 17:00:00 but the server said 17:05:00.
    expect(clockOffset("Sat, 28 Nov 2026 17:05:00 GMT", at, at)).toBe(5 * 60_000 + 500);
    expect(clockOffset("Sat, 28 Nov 2026 16:59:50 GMT", at, at)).toBe(-9_500);
  });
});
