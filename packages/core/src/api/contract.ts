/** The shapes of ArtAI's HTTP API (docs/api.md). Shared by the API handler and the web app. */
import { z } from "zod";
import { DEFAULT_STYLE, STYLE_IDS, type Style } from "../contract/index.ts";
import { STRENGTHS } from "../job/entity.ts";
import { CONTENT_TYPES, MAX_UPLOAD_BYTES } from "../upload/index.ts";

const options = {
  variations: z.number().int().min(1).max(4).default(4),
  strength: z.enum(STRENGTHS).default("subtle"),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
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
    jobId: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
    variation: z.number().int().min(0).max(3).optional(),
  }),
  ...options,
  /** Omitted: the style of the job being varied ("Vary this" keeps the style). */
  style: z.enum(STYLE_IDS).optional(),
});

export const CreateJob = z.union([CreateUpload, CreateFrom]);
export type CreateJob = z.infer<typeof CreateJob>;

export interface JobView {
  id: string;
  status: "queued" | "processing" | "succeeded" | "failed";
  options: { variations: number; strength: "subtle" | "strong"; seed: number; style: Style };
  createdAt: string;
  updatedAt: string;
  input: { url: string } | null;
  variations: { index: number; url: string; width: number; height: number; seed: number }[];
  error?: { code: string; message: string };
  parent?: { jobId: string; variation?: number };
}
