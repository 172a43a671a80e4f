/** What `eval`, its table writer and its contact sheet share: the seed, the photos, the rows. */
import { join } from "node:path";
import { STYLES } from "../src/engine/styles/index.ts";
import { packageDir } from "./server-process.ts";

export const SEED = 2026;
/** The styles measured and shown one row each on the contact sheet (surprise only mixes these). */
export const SHEET_STYLES = STYLES.map((s) => s.id).filter((id) => id !== "surprise");
/** The photos whose variations fill the style rows of the contact sheet. */
export const SHEET_PHOTOS = ["chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg"];
export const STRENGTHS = ["subtle", "strong"] as const;
export const photosDir = join(packageDir, "eval", "photos");
export const docsDir = join(packageDir, "..", "..", "docs");

/** One photo at one strength (photo style). */
export interface EvalRow {
  photo: string;
  strength: string;
  ssim: number;
  departure: number;
  diversity: number;
  deterministic: boolean;
}

/** One photo in one style at one strength. */
export interface StyleRow {
  photo: string;
  style: string;
  strength: string;
  composition: number;
  texture: number;
  diversity: number;
  msPerVariation: number;
  deterministic: boolean;
}

/** A contact-sheet row: the input and its variations per strength. */
export interface SheetEntry {
  photo: string;
  input: Buffer;
  outputs: Record<string, Buffer[]>;
}
