import type { Generator } from "./generator.ts";
import { addWarpedDetail, type LowRes, perturb, toGrey } from "./perturb.ts";
import { describeRecipe, makeRecipe, type Strength } from "./recipe.ts";
import { resizeBilinear } from "./resize.ts";

/** One rendered variation: interleaved 8-bit pixels at the generator's output size. */
export interface RenderedVariation {
  index: number;
  seed: number;
  recipe: string;
  width: number;
  height: number;
  channels: 3 | 4;
  pixels: Uint8Array;
}

/**
 * The input's fine detail that the generator's low-resolution input cannot hold: the
 * full-resolution reference minus the low-resolution input interpolated back up (W x H x 3).
 */
export function detailLayer(low: LowRes, reference: Uint8Array, scale: number): Float32Array {
  const W = low.width * scale;
  const H = low.height * scale;
  const detail = resizeBilinear(low.rgb, low.width, low.height, 3, W, H, true);
  for (let i = 0; i < detail.length; i++)
    detail[i] = (reference[i] as number) - (detail[i] as number);
  return detail;
}

/** What renders one variation: its seed, index and strength, and the input's own detail. */
export interface VariationOptions {
  seed: number;
  index: number;
  strength: Strength;
  greyscale: boolean;
  /** From detailLayer(); null renders from the generator alone. */
  detail: Float32Array | null;
}

/**
 * Perturb-then-restore: applies the seeded recipe of variation `index` to the low-resolution
 * input, lets the generator re-synthesise the detail at its scale, then lays a share of the
 * input's own finest detail (moved by the same warp) over it. Alpha follows the same warp and is
 * interpolated up; greyscale inputs stay greyscale.
 */
export async function renderVariation(
  generator: Generator,
  input: LowRes,
  options: VariationOptions,
): Promise<RenderedVariation> {
  const recipe = makeRecipe(options.seed, options.index, options.strength);
  const { image: perturbed, field } = perturb(input, recipe);
  const { width, height } = perturbed;
  const out = await generator.run(perturbed.rgb, width, height);
  const W = width * generator.scale;
  const H = height * generator.scale;
  if (options.detail)
    addWarpedDetail(out, W, H, options.detail, field, recipe.detail * recipe.grade.contrast);
  if (options.greyscale) toGrey(out);
  let alpha: Float32Array | null = null;
  if (perturbed.alpha) {
    alpha = resizeBilinear(perturbed.alpha, width, height, 1, W, H, false);
  }
  const channels = alpha ? 4 : 3;
  const pixels = new Uint8Array(W * H * channels);
  for (let p = 0, q = 0; p < W * H; p++, q += channels) {
    pixels[q] = Math.round(out[p * 3] as number);
    pixels[q + 1] = Math.round(out[p * 3 + 1] as number);
    pixels[q + 2] = Math.round(out[p * 3 + 2] as number);
    if (alpha) pixels[q + 3] = Math.round(Math.min(255, Math.max(0, alpha[p] as number)));
  }
  return {
    index: options.index,
    seed: recipe.seed,
    recipe: describeRecipe(recipe, generator.name),
    width: W,
    height: H,
    channels,
    pixels,
  };
}
