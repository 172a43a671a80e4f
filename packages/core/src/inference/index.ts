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
    const { status, code, message } = containerError(error);
    if (status && status >= 400 && status < 500 && status !== 429 && code) {
      // The container's refusals are contract codes (docs/model.md); any other 4xx is a fault on
      // ArtAI's side, and still fails the job rather than retrying it.
      throw new AppError(
        isErrorCode(code) ? code : "InternalError",
        message ?? "The model could not use this image.",
        400,
        { cause: error },
      );
    }
    throw unavailable(error);
  }
  const raw = JSON.parse(Buffer.from(response.Body ?? []).toString("utf8")) as RawResponse;
  return {
    model: raw.model,
    timings: raw.timings,
    variations: raw.variations.map((v) => ({ ...v, data: Buffer.from(v.data, "base64") })),
  };
}
