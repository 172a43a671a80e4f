"use client";

import { isTerminal, type JobView } from "@artai/core/contract";
import Link from "next/link";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { ApiError, deleteJob, getJob, listJobs } from "@/lib/api.ts";
import { formatRelative, shortId, styleName } from "@/lib/format.ts";
import { explain } from "@/lib/messages.ts";
import { LONG_POLL_SECONDS } from "@/lib/use-job.ts";
import { useModal } from "@/lib/use-modal.ts";
import { Button, buttonStyles, Notice, Spinner } from "./ui.tsx";

const statusStyles: Record<JobView["status"], string> = {
  queued: "bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200",
  processing: "bg-brand-100 text-brand-900 dark:bg-brand-900/60 dark:text-brand-100",
  succeeded: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100",
  failed: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100",
};
const statusWords: Record<JobView["status"], string> = {
  queued: "Queued",
  processing: "Processing",
  succeeded: "Done",
  failed: "Failed",
};

/** The browser's jobs, newest first, each with a thumbnail and a delete. */
export function HistoryList() {
  const [jobs, setJobs] = useState<JobView[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [pending, setPending] = useState<JobView | null>(null);
  const [deleting, setDeleting] = useState(false);
  const loadedAt = useRef(0);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      const list = await listJobs(signal);
      loadedAt.current = Date.now();
      setJobs(list);
      setError(null);
    } catch (e) {
      if (signal?.aborted) return;
      setError(e instanceof ApiError ? e : new ApiError("Unknown", String(e), 0));
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    const onOnline = () => void load();
    window.addEventListener("online", onOnline);
    return () => {
      controller.abort();
      window.removeEventListener("online", onOnline);
    };
  }, [load]);

  // Unfinished jobs update in place: one long poll per unfinished job (at most three), so the list
  // costs a request per status change rather than a reload every few seconds.
  const pendingIds = (jobs ?? [])
    .filter((job) => !isTerminal(job.status))
    .slice(0, 3)
    .map((job) => job.id)
    .join(",");
  useEffect(() => {
    if (!pendingIds) return;
    const controller = new AbortController();
    for (const id of pendingIds.split(",")) {
      void (async () => {
        for (let failures = 0; failures < 5 && !controller.signal.aborted; ) {
          try {
            const next = await getJob(id, { wait: LONG_POLL_SECONDS, signal: controller.signal });
            setJobs((list) => list?.map((job) => (job.id === id ? next : job)) ?? null);
            if (isTerminal(next.status)) return;
          } catch {
            failures += 1;
            await new Promise((resolve) => setTimeout(resolve, 2000 * 2 ** failures));
          }
        }
      })();
    }
    return () => controller.abort();
  }, [pendingIds]);

  // Thumbnails are presigned links that expire; a broken one means the list is stale.
  const onThumbError = useCallback(() => {
    if (Date.now() - loadedAt.current > 60_000) {
      loadedAt.current = Date.now();
      void load();
    }
  }, [load]);

  async function confirmDelete(job: JobView) {
    setDeleting(true);
    try {
      await deleteJob(job.id);
      setJobs((list) => list?.filter((j) => j.id !== job.id) ?? null);
      setAnnouncement(`Deleted job ${shortId(job.id)} and its images.`);
      setPending(null);
    } catch (e) {
      const words = explain(e instanceof ApiError ? e.code : "Unknown");
      setAnnouncement(`Could not delete job ${shortId(job.id)}: ${words.title}.`);
      setPending(null);
    } finally {
      setDeleting(false);
    }
  }

  if (error && !jobs) {
    const words = explain(error.code, { retryAfter: error.retryAfter });
    return (
      <Notice
        title={error.isNetwork ? "Your history couldn't be loaded" : words.title}
        actions={
          <Button variant="primary" onClick={() => void load()}>
            Try again
          </Button>
        }
      >
        {words.detail}
      </Notice>
    );
  }

  if (!jobs) {
    return (
      <p role="status" className="flex items-center gap-2 text-zinc-600 dark:text-zinc-400">
        <Spinner /> Loading your history…
      </p>
    );
  }

  return (
    <>
      <p role="status" className="sr-only">
        {announcement}
      </p>
      {announcement && !announcement.startsWith("Deleted") ? <Notice title={announcement} /> : null}
      {jobs.length === 0 ? (
        <div className="flex flex-col items-center gap-4 rounded-2xl border border-zinc-300 border-dashed p-10 text-center dark:border-zinc-700">
          <p className="font-medium text-lg">Nothing here yet</p>
          <p className="text-zinc-600 dark:text-zinc-400">
            Jobs you create in this browser show up here.
          </p>
          <Link href="/" className={buttonStyles.primary}>
            Upload an image
          </Link>
        </div>
      ) : (
        <ul aria-label="Your jobs" className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {jobs.map((job) => (
            <li key={job.id}>
              <article
                aria-labelledby={`job-${job.id}`}
                className="flex h-full flex-col overflow-hidden rounded-2xl border border-zinc-200 dark:border-zinc-800"
              >
                <Link href={`/jobs/${job.id}`} className="block" tabIndex={-1} aria-hidden="true">
                  <Thumbnails job={job} onError={onThumbError} />
                </Link>
                <div className="flex flex-1 flex-col gap-2 p-4">
                  <div className="flex items-center justify-between gap-2">
                    <h2 id={`job-${job.id}`} className="font-medium">
                      <Link href={`/jobs/${job.id}`} className="hover:underline">
                        Job {shortId(job.id)}
                      </Link>
                    </h2>
                    <span
                      className={`rounded-full px-2.5 py-0.5 font-medium text-xs ${statusStyles[job.status]}`}
                    >
                      {statusWords[job.status]}
                    </span>
                  </div>
                  <p className="text-sm text-zinc-600 dark:text-zinc-400">
                    <time dateTime={job.createdAt}>{formatRelative(job.createdAt)}</time> ·{" "}
                    {styleName(job.options.style)} · {job.options.variations} variation
                    {job.options.variations === 1 ? "" : "s"} · {job.options.strength}
                    {job.parent ? ` · from job ${shortId(job.parent.jobId)}` : ""}
                  </p>
                  <div className="mt-auto flex justify-end pt-1">
                    <Button
                      variant="ghost"
                      className="text-red-700 hover:bg-red-50 dark:text-red-400 dark:hover:bg-red-950"
                      onClick={() => setPending(job)}
                      aria-label={`Delete job ${shortId(job.id)}`}
                    >
                      Delete
                    </Button>
                  </div>
                </div>
              </article>
            </li>
          ))}
        </ul>
      )}
      {jobs.length >= 50 ? (
        <p className="text-center text-sm text-zinc-600 dark:text-zinc-400">
          Showing your 50 most recent jobs. Delete some to see older ones.
        </p>
      ) : null}
      <ConfirmDelete
        job={pending}
        busy={deleting}
        onCancel={() => setPending(null)}
        onConfirm={(job) => void confirmDelete(job)}
      />
    </>
  );
}

function Thumbnails({ job, onError }: { job: JobView; onError: () => void }) {
  const urls =
    job.variations.length > 0
      ? job.variations.slice(0, 4).map((v) => v.url)
      : job.input
        ? [job.input.url]
        : [];
  if (urls.length === 0) {
    return (
      <div className="flex aspect-[4/3] items-center justify-center bg-zinc-100 text-sm text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400">
        No image yet
      </div>
    );
  }
  return (
    <div
      className={`checkerboard grid aspect-[4/3] gap-0.5 ${urls.length > 1 ? "grid-cols-2" : "grid-cols-1"}`}
    >
      {urls.map((url, i) => (
        // biome-ignore lint/performance/noImgElement: presigned cross-origin URL that expires
        <img
          // biome-ignore lint/suspicious/noArrayIndexKey: positions in a fixed thumbnail grid
          key={i}
          src={url}
          alt=""
          loading="lazy"
          onError={onError}
          className={`size-full min-h-0 object-cover ${(urls.length === 3 && i === 0) || urls.length === 2 ? "row-span-2" : ""}`}
        />
      ))}
    </div>
  );
}

function ConfirmDelete({
  job,
  busy,
  onCancel,
  onConfirm,
}: {
  job: JobView | null;
  busy: boolean;
  onCancel: () => void;
  onConfirm: (job: JobView) => void;
}) {
  const ref = useModal(job !== null);
  const titleId = useId();
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onCancel}
      className="m-auto w-[min(100vw-2rem,28rem)] rounded-2xl bg-white p-6 text-zinc-900 shadow-2xl dark:bg-zinc-900 dark:text-zinc-100"
    >
      {job ? (
        <div className="flex flex-col gap-4">
          <h2 id={titleId} className="font-semibold text-lg">
            Delete job {shortId(job.id)}?
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Its original and all its variations are deleted for good. This can't be undone.
          </p>
          <div className="flex justify-end gap-2">
            <Button onClick={() => ref.current?.close()} autoFocus>
              Keep it
            </Button>
            <Button variant="danger" disabled={busy} onClick={() => onConfirm(job)}>
              {busy ? <Spinner /> : null}
              Delete for good
            </Button>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
