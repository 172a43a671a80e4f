import type { Generator } from "../generator.ts";
import type { LowRes } from "../perturb.ts";
import type { Rng } from "../random.ts";
import type { Strength } from "../recipe.ts";

/** What a style's renderer gets for one variation. */
export interface StyleContext {
  /** The input at the generator's input resolution (1/scale of the output). */
  input: LowRes;
  strength: Strength;
  /** Seeded by the variation's own seed: the only randomness a style may use. */
  rng: Rng;
  generator: Generator;
  /** The input's width and height. */
  w: number;
  h: number;
  /** The length unit of the style's marks for this input: `unit(input)`. */
  u: number;
  /** Whether `strength` is "strong". */
  strong: boolean;
}

/** A style's result: RGB at the generator's output size, and what was done (for the recipe). */
export interface StyleResult {
  rgb: Float32Array;
  recipe: string;
}

/**
 * A medium. Its renderer reduces the input to that medium's abstraction (strokes, washes, lines,
 * inks) at low resolution and lets the generator restore it, so the fine texture is the
 * generator's own.
 */
export interface ArtStyle {
  id: string;
  name: string;
  description: string;
  render(context: StyleContext): Promise<StyleResult>;
}

/**
 * The length unit of a style's marks, in generator-input pixels: 1 for a 256 px long side (a
 * 1024 px output), proportionally more for larger inputs, and never under 0.9, because a mark
 * narrower than about three input pixels aliases instead of reading as a stroke or a dot (so small
 * outputs get relatively bolder marks).
 */
export const unit = (image: { width: number; height: number }) =>
  Math.max(0.9, Math.max(image.width, image.height) / 256);
