import { gpsTaggedJpeg, photo, pixelBomb } from "@artai/test-images";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors/index.ts";
import { MODEL_LONG_SIDE, prepare, sniff, trailingBytes } from "./index.ts";

async function refusal(bytes: Buffer, declared: string) {
  try {
    await prepare(bytes, declared);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).toJSON();
  }
  throw new Error("prepare accepted the file");
}

describe("Image.prepare", () => {
  it("reads the type from the bytes, not the name or the declared type", async () => {
    expect(sniff(await photo(8, 8, "png"))).toBe("image/png");
    expect(sniff(await photo(8, 8, "jpeg"))).toBe("image/jpeg");
    expect(sniff(await photo(8, 8, "webp"))).toBe("image/webp");
    expect(sniff(Buffer.from("hello, I am text named photo.png"))).toBeUndefined();
  });

  it("refuses text named .png, a PNG declared as JPEG, and a GIF", async () => {
    expect((await refusal(Buffer.from("just some text\n"), "image/png")).code).toBe(
      "UnsupportedFormat",
    );
    const png = await photo(16, 16, "png");
    const mismatch = await refusal(png, "image/jpeg");
    expect(mismatch.code).toBe("UnsupportedFormat");
    expect(mismatch.message).toMatch(/sent as JPEG but it is a PNG/);
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: "red" } })
      .gif()
      .toBuffer();
    expect((await refusal(gif, "image/png")).code).toBe("UnsupportedFormat");
  });

  it("refuses a truncated JPEG and a polyglot file", async () => {
    const jpeg = await photo(64, 64, "jpeg");
    expect(
      (await refusal(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), "image/jpeg")).code,
    ).toBe("CorruptImage");
    const png = await photo(16, 16, "png");
    const polyglot = Buffer.concat([png, Buffer.from("<html><script>alert(1)</script></html>")]);
    const refused = await refusal(polyglot, "image/png");
    expect(refused.code).toBe("CorruptImage");
    expect(refused.message).toMatch(/hidden after the image/);
  });

  it("tells a cut-short file from one with data after its end, in each format", async () => {
    const script = Buffer.from("<script>alert(1)</script>");
    for (const format of ["png", "jpeg", "webp"] as const) {
      const image = await photo(48, 32, format);
      const type = `image/${format}` as const;
      expect(trailingBytes(image, type)).toBe(0);
      expect(trailingBytes(Buffer.concat([image, Buffer.alloc(16)]), type)).toBe(0);
      expect(trailingBytes(Buffer.concat([image, script]), type)).toBe(script.length);
      expect(trailingBytes(image.subarray(0, image.length - 40), type)).toBe(-1);
    }
    // Appended data that itself ends in an end marker is still found.
    const jpeg = await photo(48, 32, "jpeg");
    const disguised = Buffer.concat([jpeg, script, Buffer.from([0xff, 0xd9])]);
    expect(trailingBytes(disguised, "image/jpeg")).toBe(script.length + 2);
    const refused = await refusal(Buffer.concat([jpeg, script]), "image/jpeg");
    expect(refused.message).toBe(
      `The file has ${script.length} bytes of other data hidden after the image.`,
    );
    const cut = await refusal(jpeg.subarray(0, jpeg.length - 40), "image/jpeg");
    expect(cut.message).toMatch(/incomplete/);
  });

  it("accepts what phones append to a JPEG (more JPEG images, a motion photo's MP4) and nothing else", async () => {
    const primary = await photo(64, 48, "jpeg");
    const gainMap = await photo(32, 24, "jpeg");
    const box = (type: string, payload: Buffer) => {
      const header = Buffer.alloc(8);
      header.writeUInt32BE(8 + payload.length);
      header.write(type, 4, "latin1");
      return Buffer.concat([header, payload]);
    };
    const video = Buffer.concat([
      box("ftyp", Buffer.from("isom\0\0\0\0isomiso2mp41", "latin1")),
      box("moov", Buffer.alloc(40, 7)),
      box("mdat", Buffer.alloc(300, 9)),
    ]);
    const script = Buffer.from("<script>alert(1)</script>");
    // Ultra HDR and other Multi-Picture Format files: further complete JPEGs after the first.
    expect(trailingBytes(Buffer.concat([primary, gainMap]), "image/jpeg")).toBe(0);
    expect(trailingBytes(Buffer.concat([primary, gainMap, gainMap]), "image/jpeg")).toBe(0);
    // A motion photo: the still, perhaps a gain map, then the video.
    expect(trailingBytes(Buffer.concat([primary, video]), "image/jpeg")).toBe(0);
    expect(trailingBytes(Buffer.concat([primary, gainMap, video]), "image/jpeg")).toBe(0);
    await expect(
      prepare(Buffer.concat([primary, gainMap, video]), "image/jpeg"),
    ).resolves.toMatchObject({ width: 64, height: 48 });
    // Anything else after them is still hidden data, and is counted in full.
    expect(trailingBytes(Buffer.concat([primary, gainMap, script]), "image/jpeg")).toBe(
      script.length,
    );
    expect(trailingBytes(Buffer.concat([primary, video, script]), "image/jpeg")).toBe(
      video.length + script.length,
    );
    expect(trailingBytes(Buffer.concat([primary, gainMap.subarray(0, 100)]), "image/jpeg")).toBe(
      100,
    );
    // PNG and WebP have no such convention: a JPEG after a PNG is hidden data.
    const png = await photo(16, 16, "png");
    expect(trailingBytes(Buffer.concat([png, gainMap]), "image/png")).toBe(gainMap.length);
  });

  it("walks progressive and mozjpeg-encoded JPEGs to their real end", async () => {
    const source = await photo(200, 120, "png");
    for (const jpeg of [
      await sharp(source).jpeg({ progressive: true }).toBuffer(),
      await sharp(source).jpeg({ mozjpeg: true }).toBuffer(),
    ]) {
      expect(trailingBytes(jpeg, "image/jpeg")).toBe(0);
      await expect(prepare(jpeg, "image/jpeg")).resolves.toMatchObject({ width: 200 });
    }
  });

  it("refuses a 20000×20000 pixel bomb from its header, before decoding it", async () => {
    const bomb = pixelBomb(20_000);
    expect(bomb.length).toBeLessThan(10_000);
    const refused = await refusal(bomb, "image/png");
    expect(refused.code).toBe("TooManyPixels");
    expect(refused.message).toMatch(/20000×20000/);
  });

  it("drops EXIF and GPS, and keeps the aspect ratio within the model's size", async () => {
    const tagged = await gpsTaggedJpeg();
    expect((await sharp(tagged).metadata()).exif).toBeDefined();
    const prepared = await prepare(tagged, "image/jpeg");
    const meta = await sharp(prepared.png).metadata();
    expect(meta.format).toBe("png");
    expect(meta.exif).toBeUndefined();
    expect(prepared.png.includes(Buffer.from("ArtAI Test Camera"))).toBe(false);

    const wide = await prepare(await photo(2000, 1000, "webp"), "image/webp");
    expect([wide.width, wide.height]).toEqual([MODEL_LONG_SIDE, MODEL_LONG_SIDE / 2]);
  });

  it("accepts greyscale and transparent images", async () => {
    const grey = await sharp(await photo(32, 24, "png"))
      .greyscale()
      .png()
      .toBuffer();
    expect((await prepare(grey, "image/png")).width).toBe(32);
    const alpha = await sharp({
      create: {
        width: 20,
        height: 10,
        channels: 4,
        background: { r: 0, g: 0, b: 255, alpha: 0.3 },
      },
    })
      .png()
      .toBuffer();
    const prepared = await prepare(alpha, "image/png");
    expect((await sharp(prepared.png).metadata()).hasAlpha).toBe(true);
  });
});
