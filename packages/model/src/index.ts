export { variationSeed } from "./engine/random.ts";
export { describeRecipe, makeRecipe, type Strength } from "./engine/recipe.ts";
export { DEFAULT_STYLE, STYLE_IDS, STYLES, styleOf } from "./engine/styles/index.ts";
export { ERROR_STATUS, type ErrorCode, ModelError } from "./errors.ts";
export { MAX_BODY_BYTES, MAX_INPUT_PIXELS, MAX_OUTPUT_SIDE, SUPPORTED_TYPES } from "./image.ts";
export { OPTIONS_HEADER, parseOptions, type VariationOptions } from "./options.ts";
export {
  ENGINE_VERSION,
  type InvocationResponse,
  MAX_RESPONSE_BYTES,
  type ModelServer,
  type ModelServerOptions,
  startModelServer,
} from "./server.ts";
