/**
 * The contact sheet `eval` writes to docs/model-contact-sheet.png: one row per photo (the input,
 * 4 subtle and 4 strong variations), then one row per style (variation 0 of each sheet photo at
 * subtle, then at strong).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import sharp, { type OverlayOptions } from "sharp";
import { STYLES } from "../src/engine/styles/index.ts";
import {
  docsDir,
  photosDir,
  SEED,
  SHEET_PHOTOS,
  SHEET_STYLES,
  type SheetEntry,
  STRENGTHS,
} from "./eval-config.ts";

/** Draws the sheet from each photo's variations and each `photo|style|strength`'s images. */
export async function writeContactSheet(
  sheet: SheetEntry[],
  styleImages: Record<string, Buffer[]>,
): Promise<void> {
  // Contact sheet: one row per photo: input, 4 subtle, 4 strong.
  const cellW = 176;
  const cellH = 132;
  const gap = 4;
  const header = 28;
  const cols = 9;
  const width = cols * (cellW + gap) + gap;
  const styleBlockTop = header + sheet.length * (cellH + gap) + gap + header;
  const height = styleBlockTop + (SHEET_STYLES.length + 1) * (cellH + gap) + gap;
  const composites: OverlayOptions[] = [];
  const label = (text: string, w: number) =>
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${header}"><text x="${w / 2}" y="19" font-family="DejaVu Sans, sans-serif" font-size="15" text-anchor="middle" fill="#222">${text}</text></svg>`,
    );
  composites.push({ input: label("input", cellW), left: gap, top: 0 });
  composites.push({
    input: label(`subtle, seed ${SEED}, variations 0-3`, 4 * (cellW + gap)),
    left: gap + (cellW + gap),
    top: 0,
  });
  composites.push({
    input: label(`strong, seed ${SEED}, variations 0-3`, 4 * (cellW + gap)),
    left: gap + 5 * (cellW + gap),
    top: 0,
  });
  for (const [row, entry] of sheet.entries()) {
    const cells = [entry.input, ...(entry.outputs.subtle ?? []), ...(entry.outputs.strong ?? [])];
    for (const [col, image] of cells.entries()) {
      composites.push({
        input: await sharp(image)
          .resize(cellW, cellH, { fit: "contain", background: "#ffffff" })
          .flatten({ background: "#ffffff" })
          .png()
          .toBuffer(),
        left: gap + col * (cellW + gap),
        top: header + gap + row * (cellH + gap),
      });
    }
  }
  // One row per style: variation 0 of each sheet photo at subtle, then at strong.
  composites.push({
    input: label(
      `one row per style: variation 0 of ${SHEET_PHOTOS.length} photos, subtle | strong, seed ${SEED}`,
      width,
    ),
    left: 0,
    top: styleBlockTop - header,
  });
  const cell = async (image: Buffer) =>
    sharp(image)
      .resize(cellW, cellH, { fit: "contain", background: "#ffffff" })
      .flatten({ background: "#ffffff" })
      .png()
      .toBuffer();
  const tag = (text: string) =>
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${cellW}" height="${cellH}"><rect width="100%" height="100%" fill="#ffffff"/><text x="${cellW / 2}" y="${cellH / 2 + 6}" font-family="DejaVu Sans, sans-serif" font-size="18" text-anchor="middle" fill="#222">${text}</text></svg>`,
    );
  composites.push({ input: tag("input"), left: gap, top: styleBlockTop });
  for (const [i, photo] of SHEET_PHOTOS.entries()) {
    const input = readFileSync(join(photosDir, photo));
    for (const k of [0, 1])
      composites.push({
        input: await cell(input),
        left: gap + (1 + i * 2 + k) * (cellW + gap),
        top: styleBlockTop,
      });
  }
  for (const [row, style] of SHEET_STYLES.entries()) {
    const top = styleBlockTop + (row + 1) * (cellH + gap);
    const name = STYLES.find((s) => s.id === style)?.name ?? style;
    composites.push({ input: tag(name), left: gap, top });
    for (const [i, photo] of SHEET_PHOTOS.entries())
      for (const [k, strength] of STRENGTHS.entries()) {
        const image = styleImages[`${photo}|${style}|${strength}`]?.[0];
        if (image)
          composites.push({
            input: await cell(image),
            left: gap + (1 + i * 2 + k) * (cellW + gap),
            top,
          });
      }
  }
  const sheetPath = join(docsDir, "model-contact-sheet.png");
  await sharp({ create: { width, height, channels: 3, background: "#f4f4f4" } })
    .composite(composites)
    .png({ compressionLevel: 9 })
    .toFile(sheetPath);
  console.log(`wrote ${sheetPath}`);
}
