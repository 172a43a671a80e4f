/**
 * The model, reached through SageMaker's `InvokeEndpoint`. The request is one image with the
 * options in `CustomAttributes`; the answer is JSON with the variations in base64 (see
 * docs/model.md). Both directions stay under SageMaker's 6 MB limit, and the model has 60 s.
 */
import {
  InvokeEndpointCommand,
  type InvokeEndpointCommandOutput,
} from "@aws-sdk/client-sagemaker-runtime";
import { Resource } from "sst";
import { sagemaker } from "../aws/index.ts";
import { isErrorCode, type JobOptions } from "../contract/index.ts";
import { AppError, Retryable } from "../errors/index.ts";

export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

export interface Variation {
  index: number;
  seed: number;
  recipe: string;
  /** The medium the container rendered this variation in (absent from containers without styles). */
  style?: string;
  contentType: string;
  width: number;
  height: number;
  data: Buffer;
}

export interface InferenceResult {
  model: { name: string; version: string };
  variations: Variation[];
  timings?: Record<string, number>;
}

interface RawResponse {
  model: { name: string; version: string };
  variations: (Omit<Variation, "data"> & { data: string })[];
  timings?: Record<string, number>;
}

const unavailable = (cause: unknown) =>
  new Retryable(
    "ModelUnavailable",
    "The image model did not answer in time after several tries. Please try again.",
    { cause },
  );

/** The container's own `{code, message}`, wherever SageMaker put it. */
function containerError(error: unknown): { status?: number; code?: string; message?: string } {
  const e = error as {
    name?: string;
    OriginalStatusCode?: number;
    OriginalMessage?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  if (e.name === "ModelError") {
    let body: { code?: string; message?: string } = {};
    try {
      body = JSON.parse(e.OriginalMessage ?? "{}");
    } catch {
      body = { message: e.OriginalMessage };
    }
    return { status: e.OriginalStatusCode, ...body };
  }
  // The container reached directly, without SageMaker in between: the SDK names the
  // error after the body's `code`.
  return { status: e.$metadata?.httpStatusCode, code: e.name, message: e.message };
}

/**
 * What a failed `InvokeEndpoint` means for the job. A 4xx refusal by the container (other than 429)
 * is an `AppError` that fails it; its code is the container's, a contract code (docs/model.md), or
 * `InternalError` for any other, a fault on ArtAI's side that still fails rather than retries.
 * Anything else (busy, down, slow) is `Retryable`.
 */
export function invokeFailure(error: unknown): AppError | Retryable {
  const { status, code, message } = containerError(error);
  if (status && status >= 400 && status < 500 && status !== 429 && code) {
    return new AppError(
      isErrorCode(code) ? code : "InternalError",
      message ?? "The model could not use this image.",
      400,
      { cause: error },
    );
  }
  return unavailable(error);
}

/**
 * Asks the model for variations of `png`. A refusal by the model (a bad image) becomes an
 * `AppError` that fails the job; anything else (busy, down, slow) is `Retryable`.
 */
export async function vary(png: Buffer, options: JobOptions): Promise<InferenceResult> {
  if (png.length > MAX_PAYLOAD_BYTES) {
    throw new AppError("ImageTooLarge", "The prepared image is over the model's 6 MB limit.");
  }
  let response: InvokeEndpointCommandOutput;
  try {
    response = await sagemaker().send(
      new InvokeEndpointCommand({
        EndpointName: Resource.Model.endpointName,
        ContentType: "image/png",
        Accept: "application/json",
        CustomAttributes: `variations=${options.variations};strength=${options.strength};seed=${options.seed};style=${options.style}`,
        Body: png,
      }),
    );
  } catch (error) {
    throw invokeFailure(error);
  }
  const raw = JSON.parse(Buffer.from(response.Body ?? []).toString("utf8")) as RawResponse;
  return {
    model: raw.model,
    timings: raw.timings,
    variations: raw.variations.map((v) => ({ ...v, data: Buffer.from(v.data, "base64") })),
  };
}
