/**
 * Renders the style picker's previews once, with the real model, from the sample photo that ships
 * with the app (public/styles/sample.jpg, a CC0 photo of a cat by Stefan van der Walt from
 * scikit-image's sample data): one WebP per medium in public/styles/<id>.webp, committed. No
 * preview is ever made per visit.
 *
 *   pnpm --filter @artai/web previews
 *
 * It starts the model container's own entry (`packages/model/src/serve.ts`) as a child process,
 * exactly as the local stack does (the model's own `startServerProcess`), and asks it for one
 * variation of the sample in each style.
 * Re-run it when a style changes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { STYLES, stylePreviewPath } from "@artai/core/contract";
import { startServerProcess } from "@artai/model/scripts/server-process";
import sharp from "sharp";

const web = join(import.meta.dirname, "..");
const SEED = 2026;
const PREVIEW_WIDTH = 320;

// Loading the weights may take a while on a busy machine: up to 120 s.
const model = await startServerProcess({}, 120_000);
try {
  const sample = readFileSync(join(web, "public", "styles", "sample.jpg"));
  // "Surprise me" has no image of its own: its card shows the media's previews together.
  for (const style of STYLES.filter((s) => s.id !== "surprise")) {
    const response = await fetch(`${model.url}/invocations`, {
      method: "POST",
      body: sample,
      headers: {
        "content-type": "image/jpeg",
        "x-amzn-sagemaker-custom-attributes": `variations=1;strength=subtle;seed=${SEED};style=${style.id}`,
      },
    });
    if (!response.ok) throw new Error(`${style.id}: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { variations: { data: string; recipe: string }[] };
    const [variation] = body.variations;
    if (!variation) throw new Error(`${style.id}: no variation`);
    const path = join(web, "public", stylePreviewPath(style.id));
    // Rendered at 640 px, where the marks have their intended scale, and shown at half that.
    const preview = await sharp(Buffer.from(variation.data, "base64"))
      .resize(PREVIEW_WIDTH, undefined, { kernel: "lanczos3" })
      .webp({ quality: 80 })
      .toBuffer();
    writeFileSync(path, preview);
    console.log(`${path} (${variation.recipe.split(";")[0]})`);
  }
} finally {
  await model.stop();
}
