import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { lockDownDecoders, outputSize, sniff } from "./image.ts";

const make = () => sharp({ create: { width: 8, height: 8, channels: 3, background: "#c33" } });

describe("sniff", () => {
  it("recognises PNG, JPEG and WebP by their magic bytes and nothing else", async () => {
    expect(sniff(await make().png().toBuffer())).toBe("image/png");
    expect(sniff(await make().jpeg().toBuffer())).toBe("image/jpeg");
    expect(sniff(await make().webp().toBuffer())).toBe("image/webp");
    expect(sniff(await make().gif().toBuffer())).toBeNull();
    expect(sniff(await make().tiff().toBuffer())).toBeNull();
    expect(sniff(Buffer.from("<svg/>"))).toBeNull();
    expect(sniff(Buffer.alloc(0))).toBeNull();
  });
});

describe("lockDownDecoders", () => {
  it("leaves only the PNG, JPEG and WebP decoders working", async () => {
    const gif = await make().gif().toBuffer();
    const tiff = await make().tiff().toBuffer();
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
    lockDownDecoders();
    for (const blocked of [gif, tiff, svg])
      await expect(sharp(blocked).metadata()).rejects.toThrow();
    for (const allowed of [make().png(), make().jpeg(), make().webp()])
      expect((await sharp(await allowed.toBuffer()).metadata()).width).toBe(8);
  });
});

describe("outputSize", () => {
  it("keeps small images, caps the long side at 1024 and keeps the aspect ratio", () => {
    expect(outputSize(640, 480)).toEqual({ width: 640, height: 480 });
    expect(outputSize(4000, 3000)).toEqual({ width: 1024, height: 768 });
    expect(outputSize(1000, 4000)).toEqual({ width: 256, height: 1024 });
    expect(outputSize(4096, 1)).toEqual({ width: 1024, height: 1 });
  });
});
