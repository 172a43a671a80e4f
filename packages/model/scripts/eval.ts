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
import sharp from "sharp";
import { ssim } from "ssim.js";
import { type GeneratorName, loadGenerator, type Scale } from "../src/engine/generator.ts";
import { GENERATOR_FOR } from "../src/engine/strength.ts";
import { writeContactSheet } from "./contact-sheet.ts";
import {
  docsDir,
  type EvalRow,
  photosDir,
  SEED,
  SHEET_STYLES,
  type SheetEntry,
  STRENGTHS,
  type StyleRow,
} from "./eval-config.ts";
import { evalTable } from "./eval-table.ts";
import {
  composition,
  fitSize,
  labPixels,
  labsOf,
  lumaOfRgb,
  lumaRgba,
  mean,
  meanDeltaE,
  psnr,
  textureDistance,
} from "./metrics.ts";
import { replaceSection, startServerProcess } from "./server-process.ts";

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
  const rows: EvalRow[] = [];
  const styleRows: StyleRow[] = [];
  const styleImages: Record<string, Buffer[]> = {};
  const sheet: SheetEntry[] = [];
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

  const table = evalTable(photos, rows, styleRows, Math.round((Date.now() - started) / 1000));
  console.log(table);

  await writeContactSheet(sheet, styleImages);

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
