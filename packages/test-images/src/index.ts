/**
 * ArtAI's test images, shared by core's unit tests, the local stack's integration tests, the e2e
 * suite and the benchmarks. The model package keeps its own, since it stands alone.
 */
import { fileURLToPath } from "node:url";

export { landscape, type Palette } from "./landscape.ts";
export { flat, gpsTaggedJpeg, photo, pixelBomb } from "./synthetic.ts";

/** Real photographs, on disk (see fixtures/README.md for where they come from). */
export const PHOTOS = {
  /** 512×512 RGB JPEG: a micrograph of colonic glands. */
  tissueSample: fileURLToPath(new URL("../fixtures/tissue-sample.jpg", import.meta.url)),
  /** 384×303 PNG: Greek coins from Pompeii. */
  pompeiiCoins: fileURLToPath(new URL("../fixtures/pompeii-coins.png", import.meta.url)),
};
