/**
 * Renders the style picker's previews once, with the real model, from the sample photo that ships
 * with the app (public/styles/sample.jpg, a CC0 photo of a cat by Stefan van der Walt from
 * scikit-image's sample data): one WebP per medium in public/styles/<id>.webp, committed. No
 * preview is ever made per visit.
 *
 *   pnpm --filter @artai/web previews
 *
 * It starts the model container's own entry (`packages/model/src/serve.ts`) as a child process,
 * exactly as the local stack does, and asks it for one variation of the sample in each style.
 * Re-run it when a style changes.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { STYLES, stylePreviewPath } from "@artai/core/contract";
import sharp from "sharp";

const web = join(import.meta.dirname, "..");
const modelDir = join(web, "..", "model");
const SEED = 2026;
const PREVIEW_WIDTH = 320;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no free port");
  return address.port;
}

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const child = spawn(process.execPath, ["--import", "tsx", "src/serve.ts"], {
  cwd: modelDir,
  env: {
    ...process.env,
    SAGEMAKER_BIND_TO_PORT: String(port),
    SAGEMAKER_BIND_TO_HOST: "127.0.0.1",
  },
  stdio: ["ignore", "inherit", "inherit"],
});
try {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ok = await fetch(`${url}/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error("the model did not become healthy in 120 s");
    await new Promise((r) => setTimeout(r, 500));
  }
  const sample = readFileSync(join(web, "public", "styles", "sample.jpg"));
  // "Surprise me" has no image of its own: its card shows the media's previews together.
  for (const style of STYLES.filter((s) => s.id !== "surprise")) {
    const response = await fetch(`${url}/invocations`, {
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
  child.kill("SIGTERM");
}
