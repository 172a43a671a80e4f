"use client";

import type { JobView as Job, JobParent, Variation } from "@artai/core/contract";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { ApiError, createJobFrom } from "@/lib/api.ts";
import { downloadImage, downloadZip } from "@/lib/download.ts";
import { randomSeed, shortId } from "@/lib/format.ts";
import { type Explanation, explain } from "@/lib/messages.ts";
import { type Lineage, useJob, useLineage } from "@/lib/use-job.ts";
import { CompareDialog } from "./compare-dialog.tsx";
import { StatusSteps } from "./status-steps.tsx";
import { Button, buttonStyles, LineIcon, Notice, Spinner } from "./ui.tsx";

const headings: Record<Job["status"], string> = {
  queued: "Waiting for a free painter…",
  processing: "Painting your variations…",
  succeeded: "Your variations are ready",
  failed: "This job didn't finish",
};

/** The live job page: status, variations, compare, download, vary, lineage. */
export function JobView({ id }: { id: string }) {
  const router = useRouter();
  const { job, fatal, connection, refresh, fresh } = useJob(id);
  const lineage = useLineage(job);
  const [open, setOpen] = useState<number | null>(null);
  const [action, setAction] = useState<string | null>(null);
  const [problem, setProblem] = useState<Explanation | null>(null);

  // The tab's title follows the job, so a background tab shows when the variations are ready.
  const status = job?.status;
  useEffect(() => {
    if (!status) return;
    const words = {
      queued: "Queued",
      processing: "Painting…",
      succeeded: "Ready",
      failed: "Failed",
    };
    document.title = `${words[status]} · Your variations · ArtAI`;
  }, [status]);

  if (fatal) {
    const words = explain(fatal.code);
    return (
      <div className="mx-auto flex max-w-xl flex-col gap-4 py-10">
        <h1 className="font-semibold text-2xl">{words.title}</h1>
        <p className="text-zinc-600 dark:text-zinc-400">{words.detail}</p>
        <div className="flex gap-2">
          <Link href="/" className={buttonStyles.primary}>
            Upload an image
          </Link>
          <Link href="/history" className={buttonStyles.secondary}>
            Your history
          </Link>
        </div>
      </div>
    );
  }

  if (!job) {
    return (
      <div className="flex flex-col gap-6" aria-busy="true">
        <h1 className="flex items-center gap-3 font-semibold text-2xl">
          <Spinner className="size-5" /> Loading your job…
        </h1>
        {connection === "retrying" ? <ReconnectingNotice /> : null}
      </div>
    );
  }

  const current = job;
  const variations = [...current.variations].sort((a, b) => a.index - b.index);
  const pendingSlots =
    current.status === "queued" || current.status === "processing" ? current.options.variations : 0;
  // Tiles take the pictures' own shape, so landscapes and portraits fill them.
  const first = variations[0];
  const aspect = first ? `${first.width} / ${first.height}` : "4 / 3";
  const openVariation = open === null ? null : (variations.find((v) => v.index === open) ?? null);

  async function vary(from: JobParent, label: string) {
    setAction(label);
    setProblem(null);
    try {
      const { job: next } = await createJobFrom(from, {
        variations: current.options.variations,
        strength: current.options.strength,
        seed: randomSeed(),
      });
      setOpen(null);
      router.push(`/jobs/${next.id}`);
    } catch (error) {
      setAction(null);
      setProblem(
        error instanceof ApiError
          ? explain(error.code, { retryAfter: error.retryAfter })
          : explain("Unknown"),
      );
    }
  }

  async function retry() {
    setAction("retry");
    setProblem(null);
    try {
      const { job: next } = await createJobFrom({ jobId: current.id }, current.options);
      router.push(`/jobs/${next.id}`);
    } catch (error) {
      setAction(null);
      setProblem(
        error instanceof ApiError
          ? explain(error.code, { retryAfter: error.retryAfter })
          : explain("Unknown"),
      );
    }
  }

  async function download(variation: Variation) {
    setAction(`download-${variation.index}`);
    setProblem(null);
    try {
      const latest = await fresh();
      const url = latest.variations.find((v) => v.index === variation.index)?.url ?? variation.url;
      await downloadImage(url, `artai-${shortId(current.id)}-variation-${variation.index + 1}`);
    } catch {
      setProblem({
        title: "The download didn't work",
        detail: "Check your connection and try again.",
        retry: "same",
      });
    } finally {
      setAction(null);
    }
  }

  async function downloadAll() {
    setAction("zip");
    setProblem(null);
    try {
      const latest = await fresh();
      await downloadZip(
        latest.variations.map((v) => ({
          url: v.url,
          basename: `artai-${shortId(current.id)}-variation-${v.index + 1}`,
        })),
        `artai-${shortId(current.id)}.zip`,
      );
    } catch {
      setProblem({
        title: "The zip download didn't work",
        detail: "Check your connection and try again.",
        retry: "same",
      });
    } finally {
      setAction(null);
    }
  }

  const failure = current.status === "failed" ? explain(current.error?.code ?? "Unknown") : null;

  return (
    <div className="flex flex-col gap-8">
      <div className="flex flex-col gap-4">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <p className="font-mono text-xs text-zinc-500 dark:text-zinc-400">
              Job {shortId(current.id)}
            </p>
            <h1 className="font-semibold text-2xl tracking-tight sm:text-3xl">
              {headings[current.status]}
            </h1>
            <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
              {current.options.variations} variation{current.options.variations === 1 ? "" : "s"} ·{" "}
              {current.options.strength === "strong" ? "Strong" : "Subtle"} · seed{" "}
              {current.options.seed}
            </p>
          </div>
          {current.status === "succeeded" ? (
            <div className="flex flex-wrap gap-2">
              <Button
                onClick={() => void downloadAll()}
                disabled={action !== null || variations.length === 0}
              >
                {action === "zip" ? <Spinner /> : <DownloadIcon />}
                Download all (.zip)
              </Button>
              <Button
                variant="primary"
                onClick={() => void vary({ jobId: current.id }, "again")}
                disabled={action !== null}
              >
                {action === "again" ? <Spinner /> : null}
                Vary again
              </Button>
            </div>
          ) : null}
        </div>
        <StatusSteps job={current} />
        {current.status === "queued" || current.status === "processing" ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            This usually takes under a minute. You can leave this page: the job keeps going and
            waits for you in History.
          </p>
        ) : null}
        <p className="sr-only" role="status">
          {current.status === "succeeded"
            ? `Done: ${variations.length} variations are ready.`
            : current.status === "failed"
              ? "The job failed."
              : current.status === "processing"
                ? "Processing."
                : "Queued."}
        </p>
      </div>

      {/* Offline is announced by the site-wide banner; this covers an API that doesn't answer. */}
      {connection === "retrying" ? <ReconnectingNotice /> : null}

      {failure ? (
        <Notice
          title={failure.title}
          actions={
            failure.retry !== "new-image" && current.input ? (
              <Button variant="primary" onClick={() => void retry()} disabled={action !== null}>
                {action === "retry" ? <Spinner /> : null}
                Try again
              </Button>
            ) : (
              <Link href="/" className={buttonStyles.primary}>
                {current.error?.code === "UploadExpired" || current.error?.code === "UploadMissing"
                  ? "Upload again"
                  : "Choose another image"}
              </Link>
            )
          }
        >
          {failure.detail}
          {current.error?.message ? (
            // What the worker found, in its own words (e.g. data hidden after the image).
            <span className="mt-1 block opacity-80">What ArtAI found: {current.error.message}</span>
          ) : null}
        </Notice>
      ) : null}

      {problem ? <Notice title={problem.title}>{problem.detail}</Notice> : null}

      <div className="grid gap-6 lg:grid-cols-[18rem_minmax(0,1fr)]">
        <section aria-labelledby="original-heading" className="flex flex-col gap-2">
          <h2
            id="original-heading"
            className="font-medium text-sm text-zinc-600 dark:text-zinc-400"
          >
            Original
          </h2>
          <div
            className="checkerboard flex items-center justify-center overflow-hidden rounded-xl"
            style={{ aspectRatio: aspect }}
          >
            {current.input ? (
              // biome-ignore lint/performance/noImgElement: presigned cross-origin URL that expires
              <img
                src={current.input.url}
                alt="Original"
                className="size-full object-contain"
                onError={refresh}
              />
            ) : (
              <p className="p-4 text-center text-sm text-zinc-600 dark:text-zinc-400">
                {current.status === "queued"
                  ? "Waiting for the upload to arrive…"
                  : "No original stored."}
              </p>
            )}
          </div>
        </section>

        <section aria-labelledby="variations-heading" className="flex min-w-0 flex-col gap-2">
          <h2
            id="variations-heading"
            className="font-medium text-sm text-zinc-600 dark:text-zinc-400"
          >
            Variations
          </h2>
          <ul className="grid grid-cols-1 gap-4 min-[480px]:grid-cols-2">
            {variations.map((variation) => (
              <li key={variation.index} className="flex flex-col gap-2">
                <button
                  type="button"
                  onClick={() => setOpen(variation.index)}
                  className="group checkerboard relative block overflow-hidden rounded-xl"
                  style={{ aspectRatio: `${variation.width} / ${variation.height}` }}
                  aria-label={`Compare variation ${variation.index + 1} with the original`}
                >
                  {/* biome-ignore lint/performance/noImgElement: presigned cross-origin URL that expires */}
                  <img
                    src={variation.url}
                    alt={`Variation ${variation.index + 1}`}
                    width={variation.width}
                    height={variation.height}
                    onError={refresh}
                    className="size-full object-contain transition-transform duration-300 group-hover:scale-[1.02] motion-reduce:transition-none"
                  />
                  <span className="absolute right-2 bottom-2 rounded-md bg-black/65 px-2 py-1 font-medium text-white text-xs opacity-0 transition-opacity group-hover:opacity-100 group-focus-visible:opacity-100">
                    Compare
                  </span>
                </button>
                <div className="flex items-center justify-between gap-2">
                  <p className="text-sm">
                    <span className="font-medium">Variation {variation.index + 1}</span>{" "}
                    <span className="text-zinc-600 dark:text-zinc-400">
                      · seed {variation.seed}
                    </span>
                  </p>
                  <div className="flex gap-1">
                    <Button
                      variant="ghost"
                      className="px-2.5 py-1.5"
                      onClick={() => void download(variation)}
                      disabled={action !== null}
                      aria-label={`Download variation ${variation.index + 1}`}
                    >
                      <DownloadIcon />
                    </Button>
                    <Button
                      variant="ghost"
                      className="px-2.5 py-1.5"
                      onClick={() =>
                        void vary(
                          { jobId: current.id, variation: variation.index },
                          `vary-${variation.index}`,
                        )
                      }
                      disabled={action !== null}
                      aria-label={`Vary this (variation ${variation.index + 1})`}
                    >
                      {action === `vary-${variation.index}` ? <Spinner /> : null}
                      Vary this
                    </Button>
                  </div>
                </div>
              </li>
            ))}
            {Array.from({ length: pendingSlots }, (_, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity but their slot
              <li key={`pending-${i}`} aria-hidden="true">
                <div
                  className="shimmer rounded-xl bg-zinc-100 dark:bg-zinc-900"
                  style={{ aspectRatio: aspect }}
                />
              </li>
            ))}
          </ul>
          {current.status === "failed" && variations.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">No variations were made.</p>
          ) : null}
        </section>
      </div>

      <LineagePanel job={current} lineage={lineage} />

      {current.input ? (
        <CompareDialog
          original={current.input.url}
          variation={openVariation}
          count={variations.length}
          busy={action !== null}
          onClose={() => setOpen(null)}
          onStep={(delta) => {
            if (open === null || variations.length === 0) return;
            const at = variations.findIndex((v) => v.index === open);
            const next = variations[(at + delta + variations.length) % variations.length];
            if (next) setOpen(next.index);
          }}
          onDownload={(variation) => void download(variation)}
          onVary={(variation) =>
            void vary({ jobId: current.id, variation: variation.index }, `vary-${variation.index}`)
          }
        />
      ) : null}
    </div>
  );
}

function ReconnectingNotice() {
  return (
    <Notice tone="warning" title="Reconnecting to ArtAI…">
      ArtAI didn't answer just now. Retrying shortly; your job keeps running meanwhile.
    </Notice>
  );
}

function describeFrom(parent: JobParent): string {
  return parent.variation === undefined
    ? `the original of job ${shortId(parent.jobId)}`
    : `variation ${parent.variation + 1} of job ${shortId(parent.jobId)}`;
}

function LineagePanel({ job, lineage }: { job: Job; lineage: Lineage | null }) {
  const hasHistory = Boolean(job.parent) || (lineage?.children.length ?? 0) > 0;
  if (!hasHistory) return null;
  return (
    <section
      aria-labelledby="lineage-heading"
      className="rounded-2xl border border-zinc-200 p-5 dark:border-zinc-800"
    >
      <h2 id="lineage-heading" className="font-semibold">
        Lineage
      </h2>
      {job.parent ? (
        <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">
          Made from{" "}
          {lineage?.missingParent === job.parent.jobId ? (
            <span>{describeFrom(job.parent)} (since deleted)</span>
          ) : (
            <Link
              href={`/jobs/${job.parent.jobId}`}
              className="font-medium text-brand-700 underline underline-offset-2 dark:text-brand-300"
            >
              {describeFrom(job.parent)}
            </Link>
          )}
          .
        </p>
      ) : null}
      {lineage && (lineage.ancestors.length > 0 || lineage.missingParent) ? (
        <ol
          aria-label="Ancestry, oldest first"
          className="mt-4 flex flex-wrap items-center gap-2 text-sm"
        >
          {lineage.missingParent && lineage.missingParent !== job.parent?.jobId ? (
            <li className="text-zinc-500">Earlier job (deleted) →</li>
          ) : null}
          {lineage.ancestors.map((ancestor) => (
            <li key={ancestor.id} className="flex items-center gap-2">
              <Link
                href={`/jobs/${ancestor.id}`}
                className="flex items-center gap-2 rounded-lg border border-zinc-200 p-1 pr-3 hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-900"
              >
                <Thumb job={ancestor} />
                <span className="font-mono text-xs">Job {shortId(ancestor.id)}</span>
              </Link>
              <span aria-hidden="true">→</span>
            </li>
          ))}
          <li
            className="flex items-center gap-2 rounded-lg border border-brand-300 p-1 pr-3 dark:border-brand-700"
            aria-current="page"
          >
            <Thumb job={job} />
            <span className="font-mono text-xs">This job</span>
          </li>
        </ol>
      ) : null}
      {lineage && lineage.children.length > 0 ? (
        <div className="mt-4">
          <h3 className="font-medium text-sm">Made from this job</h3>
          <ul className="mt-2 flex flex-wrap gap-2">
            {lineage.children.map((child) => (
              <li key={child.id}>
                <Link
                  href={`/jobs/${child.id}`}
                  className="flex items-center gap-2 rounded-lg border border-zinc-200 p-1 pr-3 text-sm hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-900"
                >
                  <Thumb job={child} />
                  <span className="font-mono text-xs">
                    Job {shortId(child.id)}
                    {child.parent?.variation !== undefined
                      ? ` (from variation ${child.parent.variation + 1})`
                      : " (vary again)"}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function Thumb({ job }: { job: Job }) {
  const url = job.variations[0]?.url ?? job.input?.url;
  return url ? (
    // biome-ignore lint/performance/noImgElement: presigned cross-origin URL that expires
    <img src={url} alt="" className="size-10 rounded-md object-cover" />
  ) : (
    <span className="size-10 rounded-md bg-zinc-200 dark:bg-zinc-800" />
  );
}

function DownloadIcon() {
  return <LineIcon d="M10 3v10m0 0l-4-4m4 4l4-4M4 16h12" />;
}
