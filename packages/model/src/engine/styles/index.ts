/**
 * The style registry: `photo` (the perturb-then-restore look of ../variation.ts), the media that
 * reduce the picture to their own abstraction before the generator restores it, and `surprise`,
 * which gives each variation of a request a different medium.
 */
import sharp from "sharp";
import type { Generator } from "../generator.ts";
import { type LowRes, toGrey } from "../perturb.ts";
import { Rng, variationSeed } from "../random.ts";
import { type RenderedVariation, renderVariation, type VariationOptions } from "../variation.ts";
import { oil } from "./oil.ts";
import { pencil } from "./pencil.ts";
import { print } from "./print.ts";
import { type ArtStyle, unit } from "./style.ts";
import { watercolour } from "./watercolour.ts";

/** The media, in the order a picker shows them. */
const MEDIA: readonly ArtStyle[] = [oil, watercolour, pencil, print];

/**
 * Every style a request may name, `{id, name, description}`, in display order. The same list is
 * declared in ArtAI's contract (packages/core/src/contract/index.ts); a test keeps them equal.
 */
export const STYLES = [
  {
    id: "photo",
    name: "Photo",
    description: "Your photo, re-lit and re-graded, with detail the model paints back in.",
  },
  ...MEDIA.map(({ id, name, description }) => ({ id, name, description })),
  {
    id: "surprise",
    name: "Mixed media",
    description: "A different medium for each variation, picked by the seed.",
  },
] as const satisfies readonly { id: string; name: string; description: string }[];

export const STYLE_IDS = STYLES.map((s) => s.id) as [string, ...string[]];
export type StyleId = string;
export const DEFAULT_STYLE = "photo";

/**
 * The medium variation `index` of a request with this style and seed is rendered in: the style
 * itself, or for `surprise` the request's own shuffle of the media (so its variations never
 * repeat one until all have been used, and variation i is the same whichever count was asked for).
 */
export function styleOf(style: StyleId, seed: number, index: number): StyleId {
  if (style !== "surprise") return style;
  const order = new Rng(seed ^ 0x2f6b_1a3d).shuffle(MEDIA.map((m) => m.id));
  return order[index % order.length] as string;
}

/**
 * Renders variation `index` in `style`. `photo` is ../variation.ts unchanged; every other medium
 * goes through its renderer, which always runs the generator.
 */
export async function renderStyled(
  generator: Generator,
  input: LowRes,
  /** `detail` is the photo style's detail layer (from detailLayer()); the media do not use it. */
  options: VariationOptions & { style: StyleId },
): Promise<RenderedVariation> {
  const id = styleOf(options.style, options.seed, options.index);
  if (id === "photo") {
    const v = await renderVariation(generator, input, options);
    return { ...v, recipe: `style=photo;${v.recipe}` };
  }
  const medium = MEDIA.find((m) => m.id === id);
  if (!medium) throw new Error(`unknown style "${id}"`);
  const seed = variationSeed(options.seed, options.index);
  const rng = new Rng(seed ^ 0x7f4a_7c15);
  const result = await medium.render({
    input,
    strength: options.strength,
    rng,
    generator,
    w: input.width,
    h: input.height,
    u: unit(input),
    strong: options.strength === "strong",
  });
  const W = input.width * generator.scale;
  const H = input.height * generator.scale;
  if (options.greyscale) toGrey(result.rgb);
  // Clamped and rounded natively (ToUint8Clamp), not by a loop over the full-size image.
  const rgb = new Uint8Array(new Uint8ClampedArray(result.rgb).buffer);
  let pixels: Uint8Array = rgb;
  let channels: 3 | 4 = 3;
  if (input.alpha) {
    // Alpha follows the input, interpolated up by libvips.
    const a = Uint8Array.from(input.alpha, (v) => Math.round(v));
    const up = await sharp(a, { raw: { width: input.width, height: input.height, channels: 1 } })
      .resize(W, H, { fit: "fill", kernel: "cubic" })
      .extractChannel(0)
      .raw()
      .toBuffer();
    pixels = new Uint8Array(
      await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
        .joinChannel(up, { raw: { width: W, height: H, channels: 1 } })
        .raw()
        .toBuffer(),
    );
    channels = 4;
  }
  return {
    index: options.index,
    seed,
    recipe: `style=${id};${result.recipe};generator=${generator.name}`,
    width: W,
    height: H,
    channels,
    pixels,
  };
}
