"use client";

import type { JobRequestOptions } from "@artai/core/contract";
import { useRouter } from "next/navigation";
import { useCallback, useRef, useState } from "react";
import { ApiError, createJob, deleteJob } from "./api.ts";
import { type CheckedImage, checkImage } from "./image-check.ts";
import { type Explanation, explain } from "./messages.ts";
import { UploadError, uploadFile } from "./upload.ts";
import { whenOnline } from "./use-online.ts";

/**
 * Where the upload flow is: `empty` → `checking` → `ready` → `creating` (asking the API for a job
 * and its upload link) → `uploading` → `opening` (navigating to the job). A failure returns to
 * `ready` with a `problem`; a refused file returns to where it was.
 */
export type Phase =
  | { kind: "empty" }
  | { kind: "checking" }
  | { kind: "ready" }
  | { kind: "creating" }
  | { kind: "uploading"; loaded: number; total: number }
  | { kind: "opening"; jobId: string };

/** Deletes a job whose upload never finished; if the connection is down, once it is back. */
async function discard(jobId: string) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await deleteJob(jobId);
      return;
    } catch (error) {
      if (!(error instanceof ApiError && error.isNetwork)) return;
      await whenOnline();
      await new Promise((resolve) => setTimeout(resolve, 1000 * (attempt + 1)));
    }
  }
}

function explainFailure(error: unknown): Explanation {
  if (error instanceof UploadError && error.code === "NetworkError") {
    return {
      title: "The connection dropped during the upload",
      detail: "Check your connection and try again. Your image and options are still here.",
      retry: "same",
    };
  }
  if (error instanceof UploadError) return explain(error.code);
  if (error instanceof ApiError) return explain(error.code, { retryAfter: error.retryAfter });
  return explain("Unknown");
}

/** The home page's upload flow: check a file, create its job, send it with progress, open the job. */
export function useUploadFlow() {
  const router = useRouter();
  const [phase, setPhase] = useState<Phase>({ kind: "empty" });
  const [image, setImage] = useState<CheckedImage | null>(null);
  const [problem, setProblem] = useState<Explanation | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const cancelRef = useRef<(() => void) | null>(null);
  const busy = phase.kind === "creating" || phase.kind === "uploading" || phase.kind === "opening";

  /** Checks a chosen, dropped or pasted file in the browser and makes it the image to send. */
  const accept = useCallback(
    async (file: File | undefined) => {
      if (!file || busy) return;
      setProblem(null);
      setNotice(null);
      setPhase({ kind: "checking" });
      const result = await checkImage(file);
      if (!result.ok) {
        setProblem({ ...explain(result.code), detail: result.message });
        setPhase(image ? { kind: "ready" } : { kind: "empty" });
        return;
      }
      setImage((previous) => {
        if (previous) URL.revokeObjectURL(previous.previewUrl);
        return result.image;
      });
      setPhase({ kind: "ready" });
    },
    [busy, image],
  );

  /** Creates the job with `options` and uploads the image to it. */
  async function start(options: JobRequestOptions) {
    if (!image || busy) return;
    setProblem(null);
    setNotice(null);
    setPhase({ kind: "creating" });
    let jobId: string | null = null;
    try {
      const { job, upload } = await createJob({
        contentType: image.type,
        size: image.file.size,
        ...options,
      });
      jobId = job.id;
      setPhase({ kind: "uploading", loaded: 0, total: image.file.size });
      const transfer = uploadFile(upload, image.file, ({ loaded, total }) =>
        setPhase({ kind: "uploading", loaded, total }),
      );
      cancelRef.current = transfer.cancel;
      await transfer.done;
      cancelRef.current = null;
      setPhase({ kind: "opening", jobId: job.id });
      router.push(`/jobs/${job.id}`);
    } catch (error) {
      cancelRef.current = null;
      setPhase({ kind: "ready" });
      // A job whose upload never finished would wait forever; remove it so History stays honest.
      if (jobId) void discard(jobId);
      if (error instanceof UploadError && error.code === "Cancelled") {
        setNotice("Upload cancelled. Nothing was sent to ArtAI.");
      } else {
        setProblem(explainFailure(error));
      }
    }
  }

  /** Forgets the image and any message about it. */
  function clear() {
    if (image) URL.revokeObjectURL(image.previewUrl);
    setImage(null);
    setProblem(null);
    setNotice(null);
    setPhase({ kind: "empty" });
  }

  const cancel = () => cancelRef.current?.();

  return { phase, image, problem, notice, busy, accept, start, clear, cancel };
}
