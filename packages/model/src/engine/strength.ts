import type { GeneratorName } from "./esrgan.ts";
import type { Strength } from "./recipe.ts";

/**
 * The generator that renders each strength, chosen by measured quality and speed on ONNX Runtime
 * (docs/model.md, "Choosing the generator").
 */
export const GENERATOR_FOR: Record<Strength, GeneratorName> = {
  subtle: "esrgan-slim",
  strong: "esrgan-slim",
};

/** Every generator the server loads, once each. */
export const GENERATORS_IN_USE: readonly GeneratorName[] = [
  ...new Set(Object.values(GENERATOR_FOR)),
];
