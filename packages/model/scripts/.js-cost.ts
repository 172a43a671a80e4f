import { readFileSync } from "node:fs";
import sharp from "sharp";
import { renderStyled } from "../src/engine/styles/index.ts";

const fake = {
  name: "fake",
  version: "0",
  scale: 4 as const,
  run: async (rgb: Float32Array, w: number, h: number) => new Float32Array(w * h * 48),
};
const { data, info } = await sharp(readFileSync("eval/photos/astronaut.png"))
  .resize(256, 256)
  .removeAlpha()
  .raw()
  .toBuffer({ resolveWithObject: true });
const low = { width: info.width, height: info.height, rgb: Float32Array.from(data), alpha: null };
for (const style of (
  process.env.ONLY ?? "oil,watercolour,pencil,print,oil,watercolour,pencil,print"
).split(",")) {
  const t = performance.now();
  const c = process.cpuUsage();
  await renderStyled(fake, low, {
    style,
    seed: 1,
    index: 0,
    strength: "strong",
    greyscale: false,
    detail: null,
  });
  const u = process.cpuUsage(c);
  console.log(
    style,
    Math.round(performance.now() - t),
    "ms wall",
    Math.round(u.user / 1000),
    "ms cpu",
  );
}
