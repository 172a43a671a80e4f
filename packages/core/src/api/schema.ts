/** The request schemas of ArtAI's HTTP API (docs/api.md); the shapes themselves are the contract's. */
import { z } from "zod";
import {
  CONTENT_TYPES,
  DEFAULT_STRENGTH,
  DEFAULT_STYLE,
  DEFAULT_VARIATIONS,
  JOB_ID_PATTERN,
  MAX_SEED,
  MAX_UPLOAD_BYTES,
  MAX_VARIATIONS,
  MIN_VARIATIONS,
  STRENGTHS,
  STYLE_IDS,
} from "../contract/index.ts";

const options = {
  variations: z.number().int().min(MIN_VARIATIONS).max(MAX_VARIATIONS).default(DEFAULT_VARIATIONS),
  strength: z.enum(STRENGTHS).default(DEFAULT_STRENGTH),
  seed: z.number().int().min(0).max(MAX_SEED).optional(),
  /** One of the styles of `GET /api/styles`. */
  style: z.enum(STYLE_IDS).default(DEFAULT_STYLE),
};

/** `POST /api/jobs` for a new upload. */
export const CreateUpload = z.strictObject({
  contentType: z.enum(CONTENT_TYPES),
  size: z.number().int().min(1).max(MAX_UPLOAD_BYTES),
  ...options,
});

/** `POST /api/jobs` from an image ArtAI already has: a job's input, or one of its variations. */
export const CreateFrom = z.strictObject({
  from: z.strictObject({
    jobId: z.string().regex(JOB_ID_PATTERN),
    variation: z
      .number()
      .int()
      .min(0)
      .max(MAX_VARIATIONS - 1)
      .optional(),
  }),
  ...options,
  /** Omitted: the style of the job being varied ("Vary this" keeps the style). */
  style: z.enum(STYLE_IDS).optional(),
});

export const CreateJob = z.union([CreateUpload, CreateFrom]);
export type CreateJob = z.infer<typeof CreateJob>;
