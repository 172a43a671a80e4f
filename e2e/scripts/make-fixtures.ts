/**
 * Makes the e2e test photos offline with @artai/test-images' painted landscapes. Run once; the
 * outputs are committed in fixtures/.
 *
 *   pnpm --filter @artai/e2e exec tsx scripts/make-fixtures.ts
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { landscape } from "@artai/test-images";
import sharp from "sharp";

const out = join(import.meta.dirname, "..", "fixtures");

async function save(file: string, jpeg: Buffer) {
  writeFileSync(join(out, file), jpeg);
  const { width, height } = await sharp(jpeg).metadata();
  console.log(`${file}: ${width}×${height}, ${(jpeg.length / 1024).toFixed(0)} KiB`);
}

await save(
  "lake-at-dusk.jpg",
  await landscape(1200, 800, 7, {
    sky: ["#2f5f9e", "#7fa6d6", "#f2c59b", "#f59e6b"],
    hills: ["#5b6b86", "#3d4a5e", "#22302a"],
    sun: "#fff1c9",
  }),
);
await save(
  "valley-morning.jpg",
  await landscape(720, 960, 23, {
    sky: ["#8fb9e8", "#cfe3f5", "#eef3f2"],
    hills: ["#7d9a7a", "#4f6f4f", "#2e4a33"],
    sun: "#ffffff",
  }),
);
// Not an image at all, but named like one: the browser must look at the bytes, not the name.
writeFileSync(
  join(out, "notes.png"),
  "Shopping list: milk, eggs, bread.\nThis is a text file, not a picture.\n",
);
