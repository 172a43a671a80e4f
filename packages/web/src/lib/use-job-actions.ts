"use client";

import type { JobParent, JobRequestOptions, JobView, Style, Variation } from "@artai/core/contract";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiError, createJobFrom } from "./api.ts";
import { downloadImage, downloadZip } from "./download.ts";
import { randomSeed, shortId } from "./format.ts";
import { type Explanation, explain } from "./messages.ts";

/**
 * What a person can do from a job's page: vary its original or one variation, retry it, download
 * one variation or all of them. One action runs at a time; `action` names it (for its spinner) and
 * `problem` says in words why the last one failed.
 */
export function useJobActions(job: JobView, fresh: () => Promise<JobView>) {
  const router = useRouter();
  const [action, setAction] = useState<string | null>(null);
  const [problem, setProblem] = useState<Explanation | null>(null);

  /** Starts a new job from `from` and opens it; on failure, explains why. */
  async function startFrom(from: JobParent, options: JobRequestOptions, label: string) {
    setAction(label);
    setProblem(null);
    try {
      const { job: next } = await createJobFrom(from, options);
      router.push(`/jobs/${next.id}`);
      return true;
    } catch (error) {
      setAction(null);
      setProblem(
        error instanceof ApiError
          ? explain(error.code, { retryAfter: error.retryAfter })
          : explain("Unknown"),
      );
      return false;
    }
  }

  /**
   * "Vary this" / "Vary again": the same options with a fresh seed, in the job's own style unless
   * the person picked another.
   */
  const vary = (from: JobParent, label: string, style: Style = job.options.style) =>
    startFrom(
      from,
      {
        variations: job.options.variations,
        strength: job.options.strength,
        seed: randomSeed(),
        style,
      },
      label,
    );

  /** "Try again" on a failed job: the same input and options, seed included. */
  const retry = () => startFrom({ jobId: job.id }, job.options, "retry");

  async function downloadWith(label: string, failure: string, work: () => Promise<void>) {
    setAction(label);
    setProblem(null);
    try {
      await work();
    } catch {
      setProblem({ title: failure, detail: "Check your connection and try again.", retry: "same" });
    } finally {
      setAction(null);
    }
  }

  // Image links expire, so every download asks for the job again first.
  const download = (variation: Variation) =>
    downloadWith(`download-${variation.index}`, "The download didn't work", async () => {
      const latest = await fresh();
      const url = latest.variations.find((v) => v.index === variation.index)?.url ?? variation.url;
      await downloadImage(url, `artai-${shortId(job.id)}-variation-${variation.index + 1}`);
    });

  const downloadAll = () =>
    downloadWith("zip", "The zip download didn't work", async () => {
      const latest = await fresh();
      await downloadZip(
        latest.variations.map((v) => ({
          url: v.url,
          basename: `artai-${shortId(job.id)}-variation-${v.index + 1}`,
        })),
        `artai-${shortId(job.id)}.zip`,
      );
    });

  return { action, problem, vary, retry, download, downloadAll };
}
