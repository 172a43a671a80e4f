import { readFileSync } from "node:fs";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { flat, gpsTaggedJpeg, landscape, PHOTOS, photo, pixelBomb } from "./index.ts";

// The suites that use these images trust them to be what they claim; these checks hold them to it.
describe("the test images", () => {
  it("photo() is an image of the asked size in the asked format", async () => {
    for (const format of ["png", "jpeg", "webp"] as const) {
      const meta = await sharp(await photo(40, 30, format)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([format, 40, 30]);
    }
  });

  it("flat() is many pixels in few bytes", async () => {
    const png = await flat(3000, 2000);
    expect((await sharp(png).metadata()).width).toBe(3000);
    expect(png.length).toBeLessThan(100_000);
  });

  it("gpsTaggedJpeg() carries GPS coordinates in its EXIF", async () => {
    const meta = await sharp(await gpsTaggedJpeg()).metadata();
    expect(meta.format).toBe("jpeg");
    expect(meta.exif?.includes(Buffer.from("GPS-1"))).toBe(true);
  });

  it("pixelBomb() declares a huge image in a few hundred bytes", async () => {
    const bomb = pixelBomb(20_000);
    expect(bomb.length).toBeLessThan(10_000);
    const meta = await sharp(bomb, { limitInputPixels: false }).metadata();
    expect([meta.width, meta.height]).toEqual([20_000, 20_000]);
  });

  it("landscape() is a JPEG of the asked size", async () => {
    const palette = {
      sky: ["#2f5f9e", "#f59e6b"],
      hills: ["#5b6b86", "#3d4a5e", "#22302a"],
      sun: "#fff",
    };
    const meta = await sharp(await landscape(120, 80, 7, palette)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 120, 80]);
  });

  it("the photographs are on disk", async () => {
    expect((await sharp(readFileSync(PHOTOS.tissueSample)).metadata()).width).toBe(512);
    expect((await sharp(readFileSync(PHOTOS.pompeiiCoins)).metadata()).width).toBe(384);
  });
});
