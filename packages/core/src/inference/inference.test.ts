import { ModelError, ValidationError } from "@aws-sdk/client-sagemaker-runtime";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../contract/index.ts";
import { AppError, Retryable } from "../errors/index.ts";
import { invokeFailure } from "./index.ts";

/** SageMaker's answer when the container refused the request: HTTP 424 `ModelError`. */
const refusal = (status: number, body: unknown) =>
  new ModelError({
    message: `Received client error (${status}) from primary`,
    $metadata: { httpStatusCode: 424 },
    OriginalStatusCode: status,
    OriginalMessage: JSON.stringify(body),
  });

describe("a failed InvokeEndpoint", () => {
  it("fails the job with the container's code when it refuses the image or the options", () => {
    for (const code of ["CorruptImage", "UnsupportedFormat", "TooManyPixels", "InvalidOptions"]) {
      const failure = invokeFailure(refusal(400, { code, message: "no" }));
      expect(failure).toBeInstanceOf(AppError);
      expect((failure as AppError).toJSON()).toEqual({ code, message: "no" });
      expect(ERROR_CODES).toContain(code);
    }
  });

  it("fails the job as InternalError for a refusal under a code the contract does not declare", () => {
    const failure = invokeFailure(refusal(400, { code: "NoSuchCode", message: "no" }));
    expect((failure as AppError).toJSON()).toEqual({ code: "InternalError", message: "no" });
    const misrouted = new ValidationError({
      message: "Endpoint artai of account 000000000000 not found.",
      $metadata: { httpStatusCode: 400 },
    });
    expect((invokeFailure(misrouted) as AppError).code).toBe("InternalError");
  });

  it("retries what is not a refusal: busy, throttled or down", () => {
    for (const error of [
      refusal(503, { code: "Busy", message: "busy" }),
      refusal(429, { code: "Busy", message: "slow down" }),
      refusal(500, { code: "InternalError", message: "crashed" }),
      new Error("socket hang up"),
    ]) {
      const failure = invokeFailure(error);
      expect(failure).toBeInstanceOf(Retryable);
      expect((failure as Retryable).finalCode).toBe("ModelUnavailable");
    }
  });
});
