/**
 * Upload limits, checked in the browser before anything is sent. They mirror what the API and the
 * worker enforce (10 MiB in the upload policy, 25 megapixels in @artai/core/image's MAX_INPUT_PIXELS);
 * web keeps its own copy because importing core would pull server code into the page.
 */
export const ACCEPTED_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export const MAX_BYTES = 10 * 1024 * 1024;
export const MAX_PIXELS = 25_000_000;
export const MAX_VARIATIONS = 4;
export const MAX_SEED = 4_294_967_295;

export const LIMITS_IN_WORDS = "PNG, JPEG or WebP, up to 10 MB and 25 megapixels.";
