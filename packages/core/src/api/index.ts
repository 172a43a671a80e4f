/**
 * What ArtAI's HTTP API does, independent of HTTP: create a job (with an upload link, or from an
 * image it already has), show it, wait for it to change, list and delete an owner's jobs.
 */
import { createHash, randomBytes, randomInt } from "node:crypto";
import type { z } from "zod";
import {
  CONTENT_TYPES,
  type CreatedJob,
  DEFAULT_STYLE,
  isStyle,
  type JobView,
  MAX_SEED,
  MAX_UPLOAD_BYTES,
  MAX_UPLOAD_IN_WORDS,
  MAX_WAIT_SECONDS,
  STYLES,
  UPLOAD_EXPIRY_SECONDS,
  WAIT_POLL_MS,
} from "../contract/index.ts";
import * as Deletion from "../deletion/index.ts";
import { ImageTooLarge, InvalidRequest, NotFound, UnsupportedFormat } from "../errors/index.ts";
import * as Job from "../job/index.ts";
import * as Storage from "../storage/index.ts";
import * as Upload from "../upload/index.ts";
import { CreateJob } from "./schema.ts";

export { CreateJob } from "./schema.ts";

/** A new owner token: the secret the browser keeps in its cookie. */
export const newOwnerToken = () => randomBytes(32).toString("base64url");
/** Owners are stored by a hash of their token, so the table never holds a usable credential. */
export const ownerIdFromToken = (token: string) =>
  createHash("sha256").update(token).digest("base64url");

/** Validates a `POST /api/jobs` body, with a message that says which field is wrong and how. */
export function parseCreate(body: unknown): CreateJob {
  const parsed = CreateJob.safeParse(body);
  if (parsed.success) return parsed.data;
  const value = body as { contentType?: unknown; size?: unknown } | null;
  if (value && typeof value === "object" && !("from" in value)) {
    if (
      typeof value.contentType === "string" &&
      !CONTENT_TYPES.includes(value.contentType as never)
    ) {
      throw new UnsupportedFormat(
        `${value.contentType} is not supported. Upload a PNG, JPEG or WebP image.`,
      );
    }
    if (typeof value.size === "number" && value.size > MAX_UPLOAD_BYTES) {
      throw new ImageTooLarge(
        `The image is ${(value.size / 1024 / 1024).toFixed(1)} MiB; the limit is ${MAX_UPLOAD_IN_WORDS}.`,
      );
    }
  }
  throw new InvalidRequest(describe(parsed.error));
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "The request is not valid.";
  if (issue.code === "invalid_union") {
    const branches = (issue as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
    const best = branches.find((b) => b.length > 0)?.[0];
    if (best) return `${best.path.join(".") || "body"}: ${best.message}`;
  }
  return `${issue.path.join(".") || "body"}: ${issue.message}`;
}

/** Creates a job. For an upload it returns the presigned POST the browser sends the file with. */
export async function createJob(
  ownerId: string,
  input: CreateJob,
  now = Date.now(),
): Promise<CreatedJob> {
  const id = Job.newId();
  const options = {
    variations: input.variations,
    strength: input.strength,
    seed: input.seed ?? randomInt(0, MAX_SEED),
    style: input.style ?? DEFAULT_STYLE,
  };
  const key = Storage.inputKey(id);
  const { uploads, outputs } = Storage.buckets();

  if ("from" in input) {
    const source = await Job.getOwned(input.from.jobId, ownerId);
    if (!source) throw new NotFound("The job to vary does not exist.");
    const variation =
      input.from.variation === undefined
        ? undefined
        : source.outputs?.find((o: Job.Output) => o.index === input.from.variation);
    if (input.from.variation !== undefined && !variation) {
      throw new InvalidRequest(`That job has no variation ${input.from.variation}.`);
    }
    const contentType = variation?.contentType ?? source.inputContentType;
    options.style = input.style ?? source.style ?? DEFAULT_STYLE;
    const job = await Job.create({
      id,
      ownerId,
      options,
      inputKey: key,
      inputContentType: contentType,
      uploadExpiresAt: now + UPLOAD_EXPIRY_SECONDS * 1000,
      parent: { jobId: source.id, variation: variation?.index },
    });
    await Storage.copy(
      variation
        ? { bucket: outputs, key: variation.key }
        : { bucket: uploads, key: source.inputKey },
      { bucket: uploads, key },
      contentType,
    );
    return { job: await view(job) };
  }

  const job = await Job.create({
    id,
    ownerId,
    options,
    inputKey: key,
    inputContentType: input.contentType,
    uploadExpiresAt: now + UPLOAD_EXPIRY_SECONDS * 1000,
  });
  const upload = await Upload.presign({
    bucket: uploads,
    key,
    contentType: input.contentType,
    now,
  });
  return { job: await view(job), upload };
}

/** The JSON a client sees for a job, with fresh short-lived image links. */
export async function view(job: Job.JobItem): Promise<JobView> {
  const { uploads, outputs } = Storage.buckets();
  const hasInput = job.status !== "queued" || job.startedAt !== undefined || job.parentJobId;
  const outputsSorted = [...(job.outputs ?? [])].sort((a, b) => a.index - b.index);
  return {
    id: job.id,
    status: job.status,
    options: {
      variations: job.variations,
      strength: job.strength,
      seed: job.seed,
      style: job.style ?? DEFAULT_STYLE,
    },
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    input: hasInput
      ? { url: await Storage.signedUrl(uploads, job.inputKey, job.inputContentType) }
      : null,
    variations: await Promise.all(
      outputsSorted.map(async (o) => ({
        index: o.index,
        url: await Storage.signedUrl(outputs, o.key, o.contentType),
        width: o.width,
        height: o.height,
        seed: o.seed,
        style: isStyle(o.style) ? o.style : (job.style ?? DEFAULT_STYLE),
      })),
    ),
    ...(job.error ? { error: job.error } : {}),
    ...(job.parentJobId
      ? {
          parent: {
            jobId: job.parentJobId,
            ...(job.parentVariation === undefined ? {} : { variation: job.parentVariation }),
          },
        }
      : {}),
  };
}

/**
 * Returns the owner's job once its status differs from when the request arrived, it is finished,
 * or `waitSeconds` pass. One long request instead of many short polls.
 */
export async function getJob(
  ownerId: string,
  id: string,
  waitSeconds = 0,
  pollMs = WAIT_POLL_MS,
): Promise<JobView> {
  let job = await Job.getOwned(id, ownerId);
  if (!job) throw new NotFound();
  const initial = job.status;
  const deadline = Date.now() + Math.min(waitSeconds, MAX_WAIT_SECONDS) * 1000;
  while (!Job.isTerminal(job.status) && job.status === initial && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, deadline - Date.now())));
    const next = await Job.get(id);
    if (!next) throw new NotFound();
    job = next;
  }
  return view(job);
}

export async function listJobs(ownerId: string): Promise<JobView[]> {
  const jobs = await Job.listByOwner(ownerId);
  return Promise.all(jobs.map(view));
}

/**
 * Deletes an owner's job and every version of its images, in both buckets and their replicas.
 * The record goes last, so a purge that fails leaves the job in place for the owner to retry;
 * the sweeper purges once more in any case (see `Deletion`).
 */
export async function deleteJob(ownerId: string, id: string): Promise<void> {
  const job = await Job.getOwned(id, ownerId);
  if (!job) throw new NotFound();
  await Deletion.purgeJob(id);
  await Job.remove(id);
}

export const isOwnerToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

/** Whether the table and both buckets answer. The model is checked by its own endpoint health. */
export async function health(): Promise<{ ok: boolean; checks: Record<string, boolean> }> {
  const { uploads, outputs } = Storage.buckets();
  const [table, uploadsOk, outputsOk] = await Promise.all([
    Job.get("health-check").then(
      () => true,
      () => false,
    ),
    Storage.reachable(uploads),
    Storage.reachable(outputs),
  ]);
  const checks = { table, uploads: uploadsOk, outputs: outputsOk };
  return { ok: Object.values(checks).every(Boolean), checks };
}

/** `GET /api/styles`: every style a job may ask for, in the order a picker shows them. */
export function listStyles(): { styles: { id: string; name: string; description: string }[] } {
  return { styles: STYLES.map(({ id, name, description }) => ({ id, name, description })) };
}
