/**
 * Quality evaluation: runs the photos in eval/photos through the real server (as a child process),
 * for each strength, and reports
 *  - similarity to the input: SSIM on luminance at 256 px (long side),
 *  - diversity: mean pairwise CIELAB ΔE (CIE76) between the variations at 64 px,
 *  - departure: mean ΔE between each variation and the input at 64 px,
 *  - determinism: a second identical request gives byte-identical variations.
 * Then, for every style (photo and each medium), both strengths, on every photo:
 *  - composition: luminance correlation with the input at 16 px,
 *  - texture distance from the input (colour-blind: normalised Gram matrices of derivative
 *    filters on luma at 256 and 128 px, scripts/metrics.ts),
 *  - diversity: mean pairwise ΔE between the variations at 64 px,
 *  - speed: the server's model time per variation,
 *  - determinism: variation 0 asked for alone is byte-identical.
 * Writes the tables into docs/model.md and a contact sheet (one row per photo for the photo
 * style, then one row per style) to docs/model-contact-sheet.png.
 *
 * Before that, the generators alone ("generators" section of docs/model.md): each photo reduced
 * k times and restored by each ESRGAN on ONNX Runtime (and by plain bicubic upscaling, the floor),
 * scored against the photo itself (PSNR on RGB, SSIM on luma) with the time of each pass.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { converter, differenceEuclidean } from "culori";
import sharp, { type OverlayOptions } from "sharp";
import { ssim } from "ssim.js";
import { type GeneratorName, loadGenerator, type Scale } from "../src/engine/generator.ts";
import { GENERATOR_FOR } from "../src/engine/strength.ts";
import { STYLES } from "../src/engine/styles/index.ts";
import { composition, textureDistance } from "./metrics.ts";
import { packageDir, replaceSection, startServerProcess } from "./server-process.ts";

const SEED = 2026;
/** The styles measured and shown one row each on the contact sheet (surprise only mixes these). */
const SHEET_STYLES = STYLES.map((s) => s.id).filter((id) => id !== "surprise");
/** The photos whose variations fill the style rows of the contact sheet. */
const SHEET_PHOTOS = ["chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg"];
const STRENGTHS = ["subtle", "strong"] as const;
const photosDir = join(packageDir, "eval", "photos");
const docsDir = join(packageDir, "..", "..", "docs");

interface Variation {
  data: string;
  seed: number;
  recipe: string;
}

const typeOf = (file: string) =>
  /\.png$/i.test(file) ? "image/png" : /\.webp$/i.test(file) ? "image/webp" : "image/jpeg";

async function invoke(url: string, bytes: Buffer, type: string, attributes: string) {
  const response = await fetch(`${url}/invocations`, {
    method: "POST",
    body: bytes,
    headers: { "content-type": type, "x-amzn-sagemaker-custom-attributes": attributes },
  });
  if (response.status !== 200) throw new Error(`${response.status}: ${await response.text()}`);
  return (await response.json()) as {
    variations: Variation[];
    timings: { totalMs: number; modelMs: number };
  };
}

async function fitSize(image: Buffer, long: number) {
  const { data, info } = await sharp(image)
    .resize(long, long, { fit: "inside" })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function lumaRgba(image: Buffer, width: number, height: number) {
  const grey = await sharp(image)
    .resize(width, height, { fit: "fill" })
    .removeAlpha()
    .greyscale()
    .raw()
    .toBuffer();
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const l = grey[p] as number;
    rgba.set([l, l, l, 255], p * 4);
  }
  return { data: rgba, width, height };
}

const toLab = converter("lab65");
async function labPixels(image: Buffer, width: number, height: number) {
  const rgb = await sharp(image)
    .resize(width, height, { fit: "fill" })
    .removeAlpha()
    .raw()
    .toBuffer();
  const out: Lab[] = [];
  for (let p = 0; p < width * height; p++)
    out.push(
      toLab({
        mode: "rgb",
        r: (rgb[p * 3] as number) / 255,
        g: (rgb[p * 3 + 1] as number) / 255,
        b: (rgb[p * 3 + 2] as number) / 255,
      }),
    );
  return out;
}
const deltaE = differenceEuclidean("lab65");
type Lab = NonNullable<ReturnType<typeof toLab>>;
const meanDeltaE = (a: Lab[], b: Lab[]) =>
  a.reduce((sum, lab, i) => sum + deltaE(lab, b[i] as Lab), 0) / a.length;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The variations in Lab at `input`'s 64-pixel size, and their diversity: the mean ΔE between
 * each pair of them.
 */
async function labsOf(input: Buffer, images: Buffer[]) {
  const at64 = await fitSize(input, 64);
  const labs = await Promise.all(images.map((image) => labPixels(image, at64.width, at64.height)));
  const pairs = [];
  for (let i = 0; i < labs.length; i++)
    for (let j = i + 1; j < labs.length; j++) pairs.push(meanDeltaE(labs[i] ?? [], labs[j] ?? []));
  return { at64, labs, diversity: mean(pairs) };
}

const psnr = (a: Uint8Array | Float32Array, b: Uint8Array) => {
  let se = 0;
  for (let i = 0; i < b.length; i++) {
    const v = Math.min(255, Math.max(0, Math.round(a[i] as number)));
    se += (v - (b[i] as number)) ** 2;
  }
  return 10 * Math.log10((255 * 255) / (se / b.length));
};

const lumaOfRgb = (rgb: Uint8Array | Float32Array, width: number, height: number) => {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const l =
      0.299 * (rgb[p * 3] as number) +
      0.587 * (rgb[p * 3 + 1] as number) +
      0.114 * (rgb[p * 3 + 2] as number);
    out.set([l, l, l, 255], p * 4);
  }
  return { data: out, width, height };
};

/**
 * Each generator restoring each photo from 1/k of its size: the photo at `side` px long side
 * (a multiple of k), reduced k times with Lanczos, restored, compared with the photo.
 */
async function evalGenerators(photos: string[]): Promise<string> {
  const cases: { name: GeneratorName | "bicubic"; scale: Scale; side: number }[] = [
    { name: "bicubic", scale: 3, side: 513 },
    { name: "esrgan-slim", scale: 3, side: 513 },
    { name: "esrgan-medium", scale: 3, side: 513 },
    { name: "esrgan-thick", scale: 3, side: 513 },
    { name: "bicubic", scale: 4, side: 1024 },
    { name: "esrgan-slim", scale: 4, side: 1024 },
    { name: "esrgan-medium", scale: 4, side: 1024 },
  ];
  const threads = availableParallelism();
  const lines = [
    `Each photo at the output size, reduced k× (Lanczos), restored by the generator alone (ONNX Runtime, ${threads} threads, mirrored margin), and compared with the photo; mean over ${photos.length} photos. Bicubic is sharp's plain cubic upscale, the floor any generator must beat. Produced by \`pnpm --filter @artai/model eval\`; 1-min load average ${(loadavg()[0] ?? 0).toFixed(1)} on ${threads} cores at the start.`,
    "",
    "| generator | output | PSNR (RGB) ↑ | SSIM (luma) ↑ | time per pass (median) |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const c of cases) {
    const generator =
      c.name === "bicubic" ? null : await loadGenerator(c.name, c.scale, { threads });
    const psnrs: number[] = [];
    const ssims: number[] = [];
    const times: number[] = [];
    let size = "";
    for (const photo of photos) {
      const bytes = readFileSync(join(photosDir, photo));
      const meta = await sharp(bytes).metadata();
      const long = Math.max(meta.width ?? 1, meta.height ?? 1);
      const lw = Math.max(1, Math.round(((meta.width ?? 1) * c.side) / long / c.scale));
      const lh = Math.max(1, Math.round(((meta.height ?? 1) * c.side) / long / c.scale));
      const W = lw * c.scale;
      const H = lh * c.scale;
      size = `${c.side} px (x${c.scale})`;
      const truth = await sharp(bytes)
        .resize(W, H, { fit: "fill", kernel: "lanczos3" })
        .removeAlpha()
        .toColourspace("srgb")
        .raw()
        .toBuffer();
      const low = await sharp(truth, { raw: { width: W, height: H, channels: 3 } })
        .resize(lw, lh, { fit: "fill", kernel: "lanczos3" })
        .raw()
        .toBuffer();
      let restored: Uint8Array | Float32Array;
      if (generator) {
        const rgb = Float32Array.from(low);
        const t = performance.now();
        restored = await generator.run(rgb, lw, lh);
        times.push(performance.now() - t);
      } else {
        restored = await sharp(low, { raw: { width: lw, height: lh, channels: 3 } })
          .resize(W, H, { fit: "fill", kernel: "cubic" })
          .raw()
          .toBuffer();
      }
      psnrs.push(psnr(restored, truth));
      ssims.push(ssim(lumaOfRgb(restored, W, H), lumaOfRgb(truth, W, H)).mssim);
    }
    await generator?.dispose?.();
    times.sort((a, b) => a - b);
    const t = times.length ? `${Math.round(times[times.length >> 1] as number)} ms` : "—";
    lines.push(
      `| ${c.name} | ${size} | ${mean(psnrs).toFixed(2)} dB | ${mean(ssims).toFixed(4)} | ${t} |`,
    );
    console.log(lines.at(-1));
  }
  lines.push(
    "",
    `In use: subtle → ${GENERATOR_FOR.subtle[3]} (x3) and ${GENERATOR_FOR.subtle[4]} (x4), strong → ${GENERATOR_FOR.strong[3]} (x3) and ${GENERATOR_FOR.strong[4]} (x4) (see "Choosing the generator").`,
  );
  return lines.join("\n");
}

async function main() {
  const photos = readdirSync(photosDir)
    .filter((f) => /\.(png|jpe?g|webp)$/i.test(f))
    .sort();
  if (photos.length < 8)
    throw new Error(`need at least 8 evaluation photos, found ${photos.length}`);
  const generators = process.argv.includes("--no-generators") ? null : await evalGenerators(photos);
  if (process.argv.includes("--generators-only")) {
    console.log(generators);
    return;
  }
  const server = await startServerProcess();
  const started = Date.now();
  type Row = {
    photo: string;
    strength: string;
    ssim: number;
    departure: number;
    diversity: number;
    deterministic: boolean;
  };
  const rows: Row[] = [];
  type StyleRow = {
    photo: string;
    style: string;
    strength: string;
    composition: number;
    texture: number;
    diversity: number;
    msPerVariation: number;
    deterministic: boolean;
  };
  const styleRows: StyleRow[] = [];
  const styleImages: Record<string, Buffer[]> = {};
  const sheet: { photo: string; input: Buffer; outputs: Record<string, Buffer[]> }[] = [];
  try {
    // Two photos at a time, one per model worker.
    const work = photos.map((photo) => async () => {
      const bytes = readFileSync(join(photosDir, photo));
      const outputs: Record<string, Buffer[]> = {};
      for (const strength of STRENGTHS) {
        const attributes = `variations=4;strength=${strength};seed=${SEED}`;
        const first = await invoke(server.url, bytes, typeOf(photo), attributes);
        const second = await invoke(server.url, bytes, typeOf(photo), attributes);
        const deterministic = first.variations.every(
          (v, i) => v.data === second.variations[i]?.data,
        );
        const images = first.variations.map((v) => Buffer.from(v.data, "base64"));
        outputs[strength] = images;
        const at256 = await fitSize(bytes, 256);
        const inputLuma = await lumaRgba(bytes, at256.width, at256.height);
        const ssims = [];
        for (const image of images)
          ssims.push(ssim(inputLuma, await lumaRgba(image, at256.width, at256.height)).mssim);
        const { at64, labs, diversity } = await labsOf(bytes, images);
        const inputLab = await labPixels(bytes, at64.width, at64.height);
        rows.push({
          photo,
          strength,
          ssim: mean(ssims),
          departure: mean(labs.map((lab) => meanDeltaE(lab, inputLab))),
          diversity,
          deterministic,
        });
        console.log(`${photo} ${strength}: ${first.timings.totalMs} ms`);
      }
      sheet.push({ photo, input: bytes, outputs });
    });
    const queue = [...work];
    await Promise.all(
      [0, 1].map(async () => {
        for (let job = queue.shift(); job; job = queue.shift()) await job();
      }),
    );

    // Every style, both strengths, every photo.
    const styleWork = photos.flatMap((photo) =>
      SHEET_STYLES.flatMap((style) =>
        STRENGTHS.map((strength) => async () => {
          const bytes = readFileSync(join(photosDir, photo));
          const attributes = `variations=4;strength=${strength};seed=${SEED};style=${style}`;
          const result = await invoke(server.url, bytes, typeOf(photo), attributes);
          const alone = await invoke(
            server.url,
            bytes,
            typeOf(photo),
            `variations=1;strength=${strength};seed=${SEED};style=${style}`,
          );
          const images = result.variations.map((v) => Buffer.from(v.data, "base64"));
          const { diversity } = await labsOf(bytes, images);
          styleRows.push({
            photo,
            style,
            strength,
            composition: mean(await Promise.all(images.map((im) => composition(bytes, im)))),
            texture: mean(await Promise.all(images.map((im) => textureDistance(bytes, im)))),
            diversity,
            msPerVariation: result.timings.modelMs / images.length,
            deterministic: alone.variations[0]?.data === result.variations[0]?.data,
          });
          styleImages[`${photo}|${style}|${strength}`] = images;
          console.log(`${photo} ${style} ${strength}: ${result.timings.totalMs} ms`);
        }),
      ),
    );
    const styleQueue = [...styleWork];
    await Promise.all(
      [0, 1].map(async () => {
        for (let job = styleQueue.shift(); job; job = styleQueue.shift()) await job();
      }),
    );
  } finally {
    await server.stop();
  }
  rows.sort((a, b) => a.photo.localeCompare(b.photo) || a.strength.localeCompare(b.strength) * -1);
  sheet.sort((a, b) => a.photo.localeCompare(b.photo));

  const f = (n: number, d = 3) => n.toFixed(d);
  const lines = [
    `Seed ${SEED}, 4 variations per request, ${photos.length} photos; produced by \`pnpm --filter @artai/model eval\` in ${Math.round((Date.now() - started) / 1000)} s.`,
    "",
    "| strength | SSIM vs input (luma, 256 px) ↑ similar | ΔE vs input (64 px) | ΔE between variations (64 px) ↑ diverse | deterministic |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const strength of STRENGTHS) {
    const rs = rows.filter((r) => r.strength === strength);
    lines.push(
      `| **${strength}** (mean of ${rs.length}) | ${f(mean(rs.map((r) => r.ssim)))} | ${f(mean(rs.map((r) => r.departure)), 2)} | ${f(mean(rs.map((r) => r.diversity)), 2)} | ${rs.every((r) => r.deterministic) ? "yes, all" : "NO"} |`,
    );
  }
  const photosWhereOrdered = photos.filter((photo) => {
    const s = rows.find((r) => r.photo === photo && r.strength === "subtle");
    const g = rows.find((r) => r.photo === photo && r.strength === "strong");
    return s && g && s.ssim > g.ssim && g.diversity > s.diversity;
  }).length;
  lines.push(
    "",
    `Per photo, strong is less similar and more diverse than subtle on ${photosWhereOrdered} of ${photos.length} photos.`,
    "",
    "| photo | strength | SSIM | ΔE vs input | ΔE between | deterministic |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.photo} | ${r.strength} | ${f(r.ssim)} | ${f(r.departure, 2)} | ${f(r.diversity, 2)} | ${r.deterministic ? "yes" : "NO"} |`,
    ),
  );
  lines.push(
    "",
    "### Per style",
    "",
    `Every style at both strengths on the ${photos.length} photos (4 variations each, seed ${SEED}). Composition: luminance correlation with the input at 16 px (1 = identical layout). Texture distance: how far the colour-blind texture statistic (normalised Gram matrices of derivative filters on luma at 256 and 128 px) moved from the input's; a colour grade scores about 0. Diversity: mean pairwise ΔE between the variations at 64 px. Speed: the server's model time per variation (generator passes and the style's own work) on this shared machine, at the photos' own sizes (≤ 640 px here, generator x3).`,
    "",
    "| style | strength | composition ↑ kept | texture distance ↑ further | ΔE between variations ↑ diverse | model time per variation | deterministic |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const style of SHEET_STYLES)
    for (const strength of STRENGTHS) {
      const rs = styleRows.filter((r) => r.style === style && r.strength === strength);
      lines.push(
        `| ${style} | ${strength} | ${f(mean(rs.map((r) => r.composition)))} (min ${f(Math.min(...rs.map((r) => r.composition)))}) | ${f(mean(rs.map((r) => r.texture)))} | ${f(mean(rs.map((r) => r.diversity)), 2)} | ${mean(rs.map((r) => r.msPerVariation)).toFixed(0)} ms | ${rs.every((r) => r.deterministic) ? "yes, all" : "NO"} |`,
      );
    }
  const photoTexture = (photo: string, strength: string) =>
    styleRows.find((r) => r.photo === photo && r.style === "photo" && r.strength === strength)
      ?.texture ?? Number.POSITIVE_INFINITY;
  const media = styleRows.filter((r) => r.style !== "photo");
  const further = media.filter((r) => r.texture > photoTexture(r.photo, r.strength)).length;
  const furtherThanSubtle = media.filter((r) => r.texture > photoTexture(r.photo, "subtle")).length;
  lines.push(
    "",
    `Texture further from the input's than the photo style's, on the same photo: ${furtherThanSubtle} of ${media.length} (photo, medium, strength) cases against photo subtle, ${further} of ${media.length} against photo at the same strength.`,
  );
  const table = lines.join("\n");
  console.log(table);

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

  const docPath = join(docsDir, "model.md");
  let doc = "";
  try {
    doc = readFileSync(docPath, "utf8");
  } catch {
    doc = "# The ArtAI model\n";
  }
  doc = replaceSection(doc, "eval", table);
  if (generators) doc = replaceSection(doc, "generators", generators);
  writeFileSync(docPath, doc);
  console.log(`updated ${docPath}`);
}

await main();
