/** Dev helper: renders photos in every style straight through the engine into a PNG sheet. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { loadGenerator } from "../src/engine/generator.ts";
import { renderStyled, STYLES } from "../src/engine/styles/index.ts";
import { decode } from "../src/image.ts";
import { packageDir } from "./server-process.ts";

const [out = "/tmp/styles/sheet.png", side = "512", strength = "subtle", ...names] = process.argv.slice(2);
const photos = names.length ? names : ["chelsea.png", "coffee.png", "astronaut.png"];
const styles = (process.env.STYLES ?? STYLES.map((s) => s.id).filter((s) => s !== "surprise").join(",")).split(",");
const gens: Record<number, Awaited<ReturnType<typeof loadGenerator>>> = {};
const rows: Buffer[][] = [];
for (const photo of photos) {
  const bytes = await sharp(readFileSync(join(packageDir, "eval", "photos", photo)))
    .resize(Number(side), Number(side), { fit: "inside" }).png().toBuffer();
  const input = await decode(bytes);
  gens[input.scale] ??= await loadGenerator("esrgan-slim", input.scale);
  const generator = gens[input.scale]!;
  const rgb = new Float32Array(input.low.width * input.low.height * 3);
  for (let p = 0; p < input.low.width * input.low.height; p++)
    for (let k = 0; k < 3; k++) rgb[p * 3 + k] = input.low.pixels[p * input.low.channels + k]!;
  const low = { width: input.low.width, height: input.low.height, rgb, alpha: null };
  const row: Buffer[] = [bytes];
  for (const style of styles)
    for (const index of [0, 1]) {
      const t = performance.now();
      const v = await renderStyled(generator, low, { style, seed: 2026, index, strength: strength as "subtle", greyscale: input.greyscale, detail: null });
      console.log(photo, style, index, Math.round(performance.now() - t), "ms", v.recipe);
      row.push(await sharp(v.pixels, { raw: { width: v.width, height: v.height, channels: v.channels } }).png().toBuffer());
    }
  rows.push(row);
}
const cw = Number(side) > 600 ? 600 : Number(side);
const ch = Math.round(cw * 0.7);
const comps = [];
for (const [r, row] of rows.entries())
  for (const [c, img] of row.entries())
    comps.push({ input: await sharp(img).resize(cw, ch, { fit: "contain", background: "#fff" }).png().toBuffer(), left: c * (cw + 4), top: r * (ch + 4) });
await sharp({ create: { width: rows[0]!.length * (cw + 4), height: rows.length * (ch + 4), channels: 3, background: "#888" } }).composite(comps).png().toFile(out);
console.log("wrote", out);
