"use client";

import { type JobView, STYLES, type Status, type Style } from "@artai/core/contract";
import Link from "next/link";
import { useEffect, useState } from "react";
import { shortId, styleName } from "@/lib/format.ts";
import { explain } from "@/lib/messages.ts";
import { type Lineage, useJob, useLineage } from "@/lib/use-job.ts";
import { useJobActions } from "@/lib/use-job-actions.ts";
import { CompareDialog } from "./compare-dialog.tsx";
import { LineagePanel } from "./lineage-panel.tsx";
import { StatusSteps } from "./status-steps.tsx";
import { Button, buttonStyles, Notice, Spinner } from "./ui.tsx";
import { DownloadIcon, VariationGrid } from "./variation-grid.tsx";

const headings: Record<Status, string> = {
  queued: "Waiting for a free painter…",
  processing: "Painting your variations…",
  succeeded: "Your variations are ready",
  failed: "This job didn't finish",
};

/** The live job page: status, variations, compare, download, vary, lineage. */
export function JobScreen({ id }: { id: string }) {
  const { job, fatal, connection, refresh, fresh } = useJob(id);
  const lineage = useLineage(job);

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

  return (
    <LoadedJob
      job={job}
      lineage={lineage}
      reconnecting={connection === "retrying"}
      refresh={refresh}
      fresh={fresh}
    />
  );
}

function LoadedJob({
  job: current,
  lineage,
  reconnecting,
  refresh,
  fresh,
}: {
  job: JobView;
  lineage: Lineage | null;
  reconnecting: boolean;
  refresh: () => void;
  fresh: () => Promise<JobView>;
}) {
  const [open, setOpen] = useState<number | null>(null);
  // New variations keep the job's style unless the person picks another.
  const [nextStyle, setNextStyle] = useState<Style>(current.options.style);
  const { action, problem, vary, retry, download, downloadAll } = useJobActions(current, fresh);

  const variations = [...current.variations].sort((a, b) => a.index - b.index);
  const pendingSlots =
    current.status === "queued" || current.status === "processing" ? current.options.variations : 0;
  // Tiles take the pictures' own shape, so landscapes and portraits fill them.
  const first = variations[0];
  const aspect = first ? `${first.width} / ${first.height}` : "4 / 3";
  const openVariation = open === null ? null : (variations.find((v) => v.index === open) ?? null);

  const varyVariation = async (index: number) => {
    if (await vary({ jobId: current.id, variation: index }, `vary-${index}`, nextStyle))
      setOpen(null);
  };

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
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              Style: <span data-testid="job-style">{styleName(current.options.style)}</span>
            </p>
          </div>
          {current.status === "succeeded" ? (
            <div className="flex flex-wrap items-center gap-2">
              <label className="flex items-center gap-2 text-sm">
                <span className="text-zinc-600 dark:text-zinc-400">Style for new variations</span>
                <select
                  value={nextStyle}
                  onChange={(event) => setNextStyle(event.currentTarget.value as Style)}
                  disabled={action !== null}
                  className="rounded-lg border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
                >
                  {STYLES.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </label>
              <Button
                onClick={() => void downloadAll()}
                disabled={action !== null || variations.length === 0}
              >
                {action === "zip" ? <Spinner /> : <DownloadIcon />}
                Download all (.zip)
              </Button>
              <Button
                variant="primary"
                onClick={() => void vary({ jobId: current.id }, "again", nextStyle)}
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
      {reconnecting ? <ReconnectingNotice /> : null}

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
          <SectionHeading id="original-heading">Original</SectionHeading>
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
          <SectionHeading id="variations-heading">Variations</SectionHeading>
          <VariationGrid
            variations={variations}
            pendingSlots={pendingSlots}
            aspect={aspect}
            action={action}
            onOpen={(variation) => setOpen(variation.index)}
            onDownload={(variation) => void download(variation)}
            onVary={(variation) => void varyVariation(variation.index)}
            onImageError={refresh}
          />
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
          onVary={(variation) => void varyVariation(variation.index)}
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

function SectionHeading({ id, children }: { id: string; children: string }) {
  return (
    <h2 id={id} className="font-medium text-sm text-zinc-600 dark:text-zinc-400">
      {children}
    </h2>
  );
}
