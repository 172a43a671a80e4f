import type { GeneratorName, Scale } from "./esrgan.ts";
import type { Strength } from "./recipe.ts";
import { SCALES } from "./scale.ts";

/** The generator of each strength at each generator scale. */
export type GeneratorChoice = Record<Strength, Record<(typeof SCALES)[number], GeneratorName>>;

/**
 * The generator that renders each strength at each scale, chosen by measured quality and speed
 * on ONNX Runtime (docs/model.md, "Choosing the generator"): `subtle` keeps most of the photo's
 * own fine detail, so the fastest generator does; `strong` shows mostly the generator's own
 * detail, and esrgan-medium restores it better, at about 3× the compute, up to 640 px (x3). Above
 * that (x4) its gain is smaller and its memory per pass too large, so slim renders both.
 */
export const GENERATOR_FOR: GeneratorChoice = {
  subtle: { 3: "esrgan-slim", 4: "esrgan-slim" },
  strong: { 3: "esrgan-medium", 4: "esrgan-slim" },
};

/** The same generator for every strength and scale. */
export function onlyGenerator(name: GeneratorName): GeneratorChoice {
  return { subtle: { 3: name, 4: name }, strong: { 3: name, 4: name } };
}

/** Every (generator, scale) a choice needs, once each: the sessions a worker loads. */
export function sessionsOf(choice: GeneratorChoice): { name: GeneratorName; scale: Scale }[] {
  const seen = new Map<string, { name: GeneratorName; scale: Scale }>();
  for (const byScale of Object.values(choice))
    for (const scale of SCALES)
      seen.set(`${byScale[scale]}-x${scale}`, { name: byScale[scale], scale });
  return [...seen.values()];
}

/** Every generator ArtAI uses, with each scale it is used at. */
export const SESSIONS_IN_USE = sessionsOf(GENERATOR_FOR);
