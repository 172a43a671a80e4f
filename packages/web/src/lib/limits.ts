/** Upload limits, checked in the browser before anything is sent. The API enforces the same ones. */
export const ACCEPTED_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export const MAX_BYTES = 10 * 1024 * 1024;
export const MAX_PIXELS = 16_000_000;
export const MAX_SIDE = 8192;
export const MAX_VARIATIONS = 4;
export const MAX_SEED = 4_294_967_295;

export const LIMITS_IN_WORDS =
  "PNG, JPEG or WebP, up to 10 MB and 16 megapixels (at most 8192 pixels on the long side).";
