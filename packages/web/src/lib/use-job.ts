"use client";

import {
  IMAGE_URL_EXPIRY_SECONDS,
  isTerminal,
  type JobView,
  MAX_WAIT_SECONDS,
} from "@artai/core/contract";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, getJob, listJobs } from "./api.ts";
import { whenOnline } from "./use-online.ts";

/** Each long poll asks the API to hold the request as long as it may. */
export const LONG_POLL_SECONDS = MAX_WAIT_SECONDS;
/** Refresh a finished job's image links five minutes before they lapse. */
const IMAGE_URL_TTL_MS = (IMAGE_URL_EXPIRY_SECONDS - 5 * 60) * 1000;

export type Connection = "ok" | "offline" | "retrying";

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

/**
 * Follows one job live. The first read answers at once; while the job is unfinished each further read
 * is a long poll the API holds until the status changes, so a whole job costs a handful of requests.
 * Lost connections back off (1 s, 2 s, 4 s … 30 s) and resume as soon as the browser is online again.
 */
const finished = (job: JobView) => isTerminal(job.status);

export function useJob(id: string) {
  const [job, setJob] = useState<JobView | null>(null);
  const [fatal, setFatal] = useState<ApiError | null>(null);
  const [connection, setConnection] = useState<Connection>("ok");
  const [generation, setGeneration] = useState(0);
  const fetchedAt = useRef(0);
  const jobRef = useRef<JobView | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` restarts the loop on purpose
  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let failures = 0;
    let current: JobView | null = null;
    const accept = (next: JobView) => {
      current = next;
      jobRef.current = next;
      fetchedAt.current = Date.now();
      failures = 0;
      setJob(next);
      setConnection("ok");
    };
    (async () => {
      while (!signal.aborted) {
        try {
          const wait = current && !finished(current) ? LONG_POLL_SECONDS : undefined;
          accept(await getJob(id, { wait, signal }));
          if (current && finished(current)) {
            // Finished: nothing changes any more, except that image links expire. Refresh them
            // before they do, but only while someone is looking.
            await sleep(IMAGE_URL_TTL_MS, signal);
            while (!signal.aborted && document.visibilityState !== "visible")
              await sleep(5000, signal);
            current = null;
          }
        } catch (error) {
          if (signal.aborted) return;
          // 404 (unknown, deleted, or someone else's) and other refusals won't change by retrying.
          if (
            error instanceof ApiError &&
            error.status >= 400 &&
            error.status < 500 &&
            ![408, 429].includes(error.status)
          ) {
            setFatal(error);
            return;
          }
          failures += 1;
          const network = error instanceof ApiError && error.isNetwork;
          setConnection(network && !navigator.onLine ? "offline" : "retrying");
          const retryAfter = error instanceof ApiError ? error.retryAfter : undefined;
          const delay =
            retryAfter !== undefined
              ? retryAfter * 1000
              : Math.min(30_000, 1000 * 2 ** (failures - 1));
          if (network && !navigator.onLine) {
            await whenOnline(signal);
          } else {
            await sleep(delay, signal);
          }
        }
      }
    })();
    return () => controller.abort();
  }, [id, generation]);

  /** Re-reads the job now (fresh image links); throttled so a broken image can't cause a request storm. */
  const refresh = useCallback(() => {
    if (Date.now() - fetchedAt.current < 30_000) return;
    fetchedAt.current = Date.now();
    setGeneration((g) => g + 1);
  }, []);

  /** The job with image links young enough to fetch now; re-reads it when they may have expired. */
  const fresh = useCallback(async (): Promise<JobView> => {
    const known = jobRef.current;
    if (known && Date.now() - fetchedAt.current < IMAGE_URL_TTL_MS) return known;
    const next = await getJob(id);
    jobRef.current = next;
    fetchedAt.current = Date.now();
    setJob(next);
    return next;
  }, [id]);

  return { job, fatal, connection, refresh, fresh };
}

export interface Lineage {
  /** Oldest first, ending with the job's direct parent. */
  ancestors: JobView[];
  /** The parent job id when the parent is no longer in history (deleted). */
  missingParent: string | null;
  /** Jobs made from this one, newest first. */
  children: JobView[];
}

/** Where a job came from and what was made from it, from one read of the caller's history. */
export function useLineage(job: JobView | null): Lineage | null {
  const [lineage, setLineage] = useState<Lineage | null>(null);
  const jobId = job?.id;
  const parentId = job?.parent?.jobId;
  const terminal = job ? isTerminal(job.status) : false;

  useEffect(() => {
    if (!jobId || (!parentId && !terminal)) return;
    const controller = new AbortController();
    listJobs(controller.signal)
      .then((jobs) => {
        const byId = new Map(jobs.map((j) => [j.id, j]));
        const ancestors: JobView[] = [];
        let missingParent: string | null = null;
        let cursor = byId.get(jobId)?.parent?.jobId ?? parentId;
        const seen = new Set<string>([jobId]);
        while (cursor && !seen.has(cursor)) {
          seen.add(cursor);
          const found = byId.get(cursor);
          if (!found) {
            missingParent = cursor;
            break;
          }
          ancestors.unshift(found);
          cursor = found.parent?.jobId;
        }
        const children = jobs.filter((j) => j.parent?.jobId === jobId);
        setLineage({ ancestors, missingParent, children });
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [jobId, parentId, terminal]);

  return lineage;
}
