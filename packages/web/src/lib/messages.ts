import {
  LIMITS_IN_WORDS,
  MAX_PIXELS_IN_WORDS,
  MAX_UPLOAD_IN_WORDS,
  UPLOAD_EXPIRY_IN_WORDS,
} from "@artai/core/contract";

export interface Explanation {
  title: string;
  detail: string;
  /** What "try again" means for this failure. */
  retry: "same" | "new-image" | "later";
}

/** Turns an API or upload failure code into words a person can act on. */
export function explain(code: string, options: { retryAfter?: number } = {}): Explanation {
  switch (code) {
    case "UnsupportedFormat":
      return {
        title: "That file isn't an image ArtAI can read",
        detail: `Choose a photo or picture saved as ${LIMITS_IN_WORDS}`,
        retry: "new-image",
      };
    case "ImageTooLarge":
      return {
        title: "That file is too large",
        detail: `The limit is ${MAX_UPLOAD_IN_WORDS}. Try a smaller or more compressed copy. Accepted: ${LIMITS_IN_WORDS}`,
        retry: "new-image",
      };
    case "TooManyPixels":
      return {
        title: "That image has too many pixels",
        detail: `ArtAI takes images up to ${MAX_PIXELS_IN_WORDS} (a 6000 × 4000 photo fits). Resize it and try again.`,
        retry: "new-image",
      };
    case "CorruptImage":
      return {
        title: "That image looks damaged",
        detail:
          "The file could not be decoded. Open it in a photo app, save a fresh copy, and try again.",
        retry: "new-image",
      };
    case "ModelUnavailable":
      return {
        title: "The image model is busy or restarting",
        detail: "Nothing is wrong with your image. Try again in a moment.",
        retry: "same",
      };
    case "UploadExpired":
      return {
        title: "The upload link expired",
        detail: `Upload links last ${UPLOAD_EXPIRY_IN_WORDS} and this one ran out before the image arrived. Try again to get a fresh one.`,
        retry: "same",
      };
    case "RateLimited":
      return {
        title: "Too many requests",
        detail: options.retryAfter
          ? `Please wait ${formatWait(options.retryAfter)} and try again.`
          : "Please wait a little and try again.",
        retry: "later",
      };
    case "TooManyOpenJobs":
      return {
        title: "You have several jobs still running",
        detail: "Wait for one of them to finish (see History), then try again.",
        retry: "later",
      };
    case "UploadMissing":
      return {
        title: "The image never arrived",
        detail: "The upload didn't reach ArtAI. Please upload it again.",
        retry: "new-image",
      };
    case "Paused":
      return {
        title: "New jobs are paused for a moment",
        detail:
          "ArtAI has paused new jobs to keep costs in check. Your existing jobs are safe. Please try again in a few minutes.",
        retry: "later",
      };
    case "InvalidRequest":
      return {
        title: "ArtAI couldn't accept that request",
        detail: "Check the options and try again.",
        retry: "same",
      };
    case "NotFound":
      return {
        title: "Job not found",
        detail:
          "It may have been deleted, or it belongs to another browser. Jobs are tied to the browser that made them.",
        retry: "new-image",
      };
    case "NetworkError":
      return {
        title: "You seem to be offline",
        detail: "ArtAI could not be reached. Check your connection; we'll carry on when it's back.",
        retry: "same",
      };
    case "UploadRejected":
      return {
        title: "The upload was refused",
        detail: "The storage service did not accept the file. Try again.",
        retry: "same",
      };
    default:
      return {
        title: "Something went wrong",
        detail: "ArtAI hit an unexpected problem. Try again.",
        retry: "same",
      };
  }
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} second${Math.ceil(seconds) === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
