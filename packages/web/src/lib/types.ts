/**
 * The shapes of the ArtAI HTTP API as the browser sees them (docs/api.md). Web reaches the API only
 * over HTTP on the same origin, so these mirror the JSON, not the server's internal types.
 */

export type JobStatus = "queued" | "processing" | "succeeded" | "failed";
export type Strength = "subtle" | "strong";
export type ImageType = "image/png" | "image/jpeg" | "image/webp";

export interface JobOptions {
  variations: number;
  strength: Strength;
  seed: number;
}

export interface Variation {
  index: number;
  url: string;
  width: number;
  height: number;
  seed: number;
}

export interface JobError {
  code: string;
  message: string;
}

export interface JobParent {
  jobId: string;
  variation?: number;
}

export interface Job {
  id: string;
  status: JobStatus;
  options: JobOptions;
  createdAt: string;
  updatedAt: string;
  input: { url: string } | null;
  variations: Variation[];
  error?: JobError;
  parent?: JobParent;
}

export interface UploadTicket {
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

export interface JobRequestOptions {
  variations?: number;
  strength?: Strength;
  seed?: number;
}

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(["succeeded", "failed"]);

export function isTerminal(job: Pick<Job, "status">): boolean {
  return TERMINAL_STATUSES.has(job.status);
}
