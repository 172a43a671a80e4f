"use client";

import { useId, useState } from "react";
import { formatBytes } from "@/lib/format.ts";
import { useUploadFlow } from "@/lib/use-upload-flow.ts";
import { DropZone } from "./drop-zone.tsx";
import {
  DEFAULT_OPTIONS,
  OptionsPanel,
  seedInvalid,
  toRequest,
  type UploadOptions,
} from "./options-panel.tsx";
import { Button, Notice } from "./ui.tsx";

/** The home page's upload flow: pick or drop or paste, check, choose options, upload with progress. */
export function Uploader() {
  const inputId = useId();
  const flow = useUploadFlow();
  const { phase, image, problem, notice, busy } = flow;
  const [options, setOptions] = useState<UploadOptions>(DEFAULT_OPTIONS);
  const invalid = seedInvalid(options);

  const submit = () => {
    if (!invalid) void flow.start(toRequest(options));
  };

  const percent =
    phase.kind === "uploading" && phase.total > 0
      ? Math.round((phase.loaded / phase.total) * 100)
      : 0;

  return (
    <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <section aria-labelledby="image-heading" className="min-w-0">
        <h2 id="image-heading" className="sr-only">
          Your image
        </h2>
        <DropZone
          inputId={inputId}
          image={image}
          busy={busy}
          checking={phase.kind === "checking"}
          onFile={flow.accept}
          onClear={flow.clear}
        />
        <div aria-live="polite" className="mt-4 space-y-3">
          {problem ? (
            <Notice
              title={problem.title}
              actions={
                image && problem.retry !== "new-image" ? (
                  <Button variant="secondary" onClick={submit}>
                    Try again
                  </Button>
                ) : undefined
              }
            >
              {problem.detail}
            </Notice>
          ) : null}
          {notice ? <Notice tone="info" title={notice} /> : null}
        </div>
      </section>

      <section aria-labelledby="options-heading" className="min-w-0">
        <form
          className="flex flex-col gap-6 rounded-2xl border border-zinc-200 p-5 dark:border-zinc-800"
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <h2 id="options-heading" className="font-semibold text-lg">
            Options
          </h2>
          <OptionsPanel value={options} onChange={setOptions} disabled={busy} idPrefix={inputId} />

          {phase.kind === "uploading" || phase.kind === "creating" || phase.kind === "opening" ? (
            <div className="flex flex-col gap-3">
              <div className="flex items-center justify-between text-sm">
                <span id={`${inputId}-progress-label`} className="font-medium">
                  {phase.kind === "creating"
                    ? "Preparing upload…"
                    : phase.kind === "opening"
                      ? "Uploaded — opening your job…"
                      : "Uploading"}
                </span>
                <span className="font-mono tabular-nums">
                  {phase.kind === "opening" ? 100 : percent}%
                </span>
              </div>
              <div
                role="progressbar"
                aria-labelledby={`${inputId}-progress-label`}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={phase.kind === "opening" ? 100 : percent}
                aria-valuetext={
                  phase.kind === "uploading"
                    ? `${percent}% — ${formatBytes(phase.loaded)} of ${formatBytes(phase.total)}`
                    : undefined
                }
                className="h-2.5 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
              >
                <div
                  className="h-full rounded-full bg-brand-600 transition-[width] duration-200 dark:bg-brand-400"
                  style={{ width: `${phase.kind === "opening" ? 100 : percent}%` }}
                />
              </div>
              {phase.kind === "uploading" ? (
                <Button variant="secondary" onClick={flow.cancel}>
                  Cancel upload
                </Button>
              ) : null}
            </div>
          ) : (
            <button
              type="submit"
              disabled={!image || phase.kind !== "ready" || invalid}
              className="inline-flex h-12 items-center justify-center gap-2 rounded-xl bg-brand-600 px-5 font-semibold text-white shadow-sm transition-colors hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-50 dark:bg-brand-500 dark:text-zinc-950 dark:hover:bg-brand-400"
            >
              Create {options.variations} variation{options.variations === 1 ? "" : "s"}
            </button>
          )}
          {!image && phase.kind !== "checking" ? (
            <p className="-mt-3 text-center text-xs text-zinc-600 dark:text-zinc-400">
              Choose an image to begin.
            </p>
          ) : null}
        </form>
      </section>
    </div>
  );
}
