"use client";

import {
  CONTENT_TYPES,
  DEFAULT_STRENGTH,
  DEFAULT_VARIATIONS,
  LIMITS_IN_WORDS,
  MAX_SEED,
  MAX_VARIATIONS,
  MIN_VARIATIONS,
  type Strength,
} from "@artai/core/contract";
import { useRouter } from "next/navigation";
import { type DragEvent, useCallback, useEffect, useId, useRef, useState } from "react";
import { ApiError, createJob, deleteJob } from "@/lib/api.ts";
import { formatBytes, randomSeed } from "@/lib/format.ts";
import { type CheckedImage, checkImage } from "@/lib/image-check.ts";
import { type Explanation, explain } from "@/lib/messages.ts";
import { UploadError, uploadFile } from "@/lib/upload.ts";
import { whenOnline } from "@/lib/use-online.ts";
import { Button, Notice, Spinner } from "./ui.tsx";

type Phase =
  | { kind: "empty" }
  | { kind: "checking" }
  | { kind: "ready" }
  | { kind: "creating" }
  | { kind: "uploading"; loaded: number; total: number }
  | { kind: "opening"; jobId: string };

const VARIATION_CHOICES = Array.from(
  { length: MAX_VARIATIONS - MIN_VARIATIONS + 1 },
  (_, i) => MIN_VARIATIONS + i,
);

const strengths: { value: Strength; label: string; hint: string }[] = [
  { value: "subtle", label: "Subtle", hint: "Keeps the picture, refreshes texture and detail" },
  { value: "strong", label: "Strong", hint: "A bolder reinterpretation" },
];

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

/** The home page's upload flow: pick or drop or paste, check, choose options, upload with progress. */
export function Uploader() {
  const router = useRouter();
  const inputId = useId();
  const [phase, setPhase] = useState<Phase>({ kind: "empty" });
  const [image, setImage] = useState<CheckedImage | null>(null);
  const [problem, setProblem] = useState<Explanation | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [variations, setVariations] = useState(DEFAULT_VARIATIONS);
  const [strength, setStrength] = useState<Strength>(DEFAULT_STRENGTH);
  const [seedMode, setSeedMode] = useState<"surprise" | "fixed">("surprise");
  const [seed, setSeed] = useState("");
  const cancelRef = useRef<(() => void) | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const busy = phase.kind === "creating" || phase.kind === "uploading" || phase.kind === "opening";

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

  // Paste an image from anywhere on the page.
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const file = Array.from(event.clipboardData?.files ?? []).find(Boolean);
      if (!file) return;
      event.preventDefault();
      void accept(file);
    };
    document.addEventListener("paste", onPaste);
    return () => document.removeEventListener("paste", onPaste);
  }, [accept]);

  // A file dropped just outside the drop zone must not navigate away from the page.
  useEffect(() => {
    const block = (event: globalThis.DragEvent) => {
      if (event.dataTransfer?.types.includes("Files")) event.preventDefault();
    };
    window.addEventListener("dragover", block);
    window.addEventListener("drop", block);
    return () => {
      window.removeEventListener("dragover", block);
      window.removeEventListener("drop", block);
    };
  }, []);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void accept(event.dataTransfer.files[0]);
  };

  const seedValue = seedMode === "fixed" ? Number(seed) : undefined;
  const seedInvalid =
    seedMode === "fixed" &&
    (seed.trim() === "" ||
      !Number.isInteger(seedValue) ||
      (seedValue ?? -1) < 0 ||
      (seedValue ?? 0) > MAX_SEED);

  async function start() {
    if (!image || busy || seedInvalid) return;
    setProblem(null);
    setNotice(null);
    setPhase({ kind: "creating" });
    let jobId: string | null = null;
    try {
      const { job, upload } = await createJob({
        contentType: image.type,
        size: image.file.size,
        variations,
        strength,
        seed: seedValue ?? randomSeed(),
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
      } else if (error instanceof UploadError && error.code === "NetworkError") {
        setProblem({
          title: "The connection dropped during the upload",
          detail: "Check your connection and try again. Your image and options are still here.",
          retry: "same",
        });
      } else if (error instanceof UploadError) {
        setProblem(explain(error.code));
      } else if (error instanceof ApiError) {
        setProblem(explain(error.code, { retryAfter: error.retryAfter }));
      } else {
        setProblem(explain("Unknown"));
      }
    }
  }

  function clear() {
    if (image) URL.revokeObjectURL(image.previewUrl);
    setImage(null);
    setProblem(null);
    setNotice(null);
    setPhase({ kind: "empty" });
    if (fileInput.current) fileInput.current.value = "";
  }

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
        <input
          ref={fileInput}
          id={inputId}
          type="file"
          accept={CONTENT_TYPES.join(",")}
          aria-label="Choose an image"
          aria-describedby={`${inputId}-limits`}
          className="peer sr-only"
          disabled={busy}
          onChange={(event) => void accept(event.currentTarget.files?.[0])}
        />
        {/* biome-ignore lint/a11y/noStaticElementInteractions: the drop zone is a pointer convenience; the file input and paste cover keyboard use */}
        <div
          onDragEnter={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragOver={(event) => event.preventDefault()}
          onDragLeave={(event) => {
            if (!event.currentTarget.contains(event.relatedTarget as Node | null))
              setDragging(false);
          }}
          onDrop={onDrop}
          data-dragging={dragging || undefined}
          className="relative flex min-h-80 flex-col items-center justify-center overflow-hidden rounded-2xl border-2 border-zinc-300 border-dashed bg-zinc-50 p-6 text-center transition-colors peer-focus-visible:border-brand-500 peer-focus-visible:ring-4 peer-focus-visible:ring-brand-500/30 data-dragging:border-brand-500 data-dragging:bg-brand-50 sm:min-h-96 dark:border-zinc-700 dark:bg-zinc-900 dark:data-dragging:bg-brand-900/30"
        >
          {image ? (
            <figure className="flex w-full flex-col items-center gap-3">
              <div className="checkerboard flex w-full items-center justify-center overflow-hidden rounded-xl">
                {/* biome-ignore lint/performance/noImgElement: a local blob preview, nothing for next/image to optimise */}
                <img
                  src={image.previewUrl}
                  alt={`Preview of ${image.file.name || "your image"}`}
                  width={image.width}
                  height={image.height}
                  className="max-h-[26rem] w-auto max-w-full object-contain"
                />
              </div>
              <figcaption className="text-sm text-zinc-700 dark:text-zinc-300">
                <span className="font-medium text-zinc-900 dark:text-zinc-100">
                  {image.file.name || "Pasted image"}
                </span>{" "}
                · {image.width} × {image.height} px · {formatBytes(image.file.size)}
              </figcaption>
              {!busy ? (
                <div className="flex flex-wrap justify-center gap-2">
                  <label
                    htmlFor={inputId}
                    className="cursor-pointer rounded-lg px-3 py-2 font-medium text-brand-700 text-sm hover:bg-brand-50 dark:text-brand-300 dark:hover:bg-brand-900/40"
                  >
                    Choose another image
                  </label>
                  <Button variant="ghost" onClick={clear}>
                    Remove
                  </Button>
                </div>
              ) : null}
            </figure>
          ) : (
            <div className="flex flex-col items-center gap-4">
              <UploadIcon />
              <div>
                <p className="font-semibold text-lg">Drop an image here</p>
                <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
                  or paste one with{" "}
                  <kbd className="rounded border border-zinc-300 px-1 font-mono text-xs dark:border-zinc-600">
                    Ctrl
                  </kbd>{" "}
                  +{" "}
                  <kbd className="rounded border border-zinc-300 px-1 font-mono text-xs dark:border-zinc-600">
                    V
                  </kbd>
                </p>
              </div>
              <label
                htmlFor={inputId}
                className="inline-flex cursor-pointer items-center gap-2 rounded-lg bg-brand-600 px-5 py-3 font-medium text-sm text-white shadow-sm hover:bg-brand-700 dark:bg-brand-500 dark:text-zinc-950 dark:hover:bg-brand-400"
              >
                Choose an image
              </label>
              {phase.kind === "checking" ? (
                <p role="status" className="flex items-center gap-2 text-sm">
                  <Spinner /> Checking your image…
                </p>
              ) : null}
            </div>
          )}
        </div>
        <p
          id={`${inputId}-limits`}
          className="mt-2 text-center text-xs text-zinc-600 dark:text-zinc-400"
        >
          {LIMITS_IN_WORDS}
        </p>
        <div aria-live="polite" className="mt-4 space-y-3">
          {problem ? (
            <Notice
              title={problem.title}
              actions={
                image && problem.retry !== "new-image" ? (
                  <Button variant="secondary" onClick={() => void start()}>
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
            void start();
          }}
        >
          <h2 id="options-heading" className="font-semibold text-lg">
            Options
          </h2>
          <fieldset disabled={busy}>
            <legend className="mb-2 font-medium text-sm">Number of variations</legend>
            <div className="grid grid-cols-4 gap-2">
              {VARIATION_CHOICES.map((n) => (
                <label key={n} className="relative">
                  <input
                    type="radio"
                    name="variations"
                    value={n}
                    checked={variations === n}
                    onChange={() => setVariations(n)}
                    className="peer sr-only"
                  />
                  <span className="flex h-11 cursor-pointer items-center justify-center rounded-lg border border-zinc-300 font-medium peer-checked:border-brand-600 peer-checked:bg-brand-600 peer-checked:text-white peer-focus-visible:ring-4 peer-focus-visible:ring-brand-500/40 dark:border-zinc-700 dark:peer-checked:border-brand-400 dark:peer-checked:bg-brand-400 dark:peer-checked:text-zinc-950">
                    {n}
                  </span>
                </label>
              ))}
            </div>
          </fieldset>

          <fieldset disabled={busy}>
            <legend className="mb-2 font-medium text-sm">Strength</legend>
            <div className="grid gap-2">
              {strengths.map((option) => (
                <label key={option.value} className="relative">
                  <input
                    type="radio"
                    name="strength"
                    value={option.value}
                    checked={strength === option.value}
                    onChange={() => setStrength(option.value)}
                    className="peer sr-only"
                  />
                  <span className="block cursor-pointer rounded-lg border border-zinc-300 px-3 py-2 peer-checked:border-brand-600 peer-checked:bg-brand-50 peer-focus-visible:ring-4 peer-focus-visible:ring-brand-500/40 dark:border-zinc-700 dark:peer-checked:border-brand-400 dark:peer-checked:bg-brand-900/40">
                    <span className="block font-medium text-sm">{option.label}</span>
                    <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                      {option.hint}
                    </span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>

          <fieldset disabled={busy}>
            <legend className="mb-2 font-medium text-sm">Seed</legend>
            <div className="flex flex-col gap-2 text-sm">
              <label className="flex items-center gap-2">
                <input
                  type="radio"
                  name="seed-mode"
                  checked={seedMode === "surprise"}
                  onChange={() => setSeedMode("surprise")}
                  className="size-4 accent-brand-600"
                />
                Surprise me
              </label>
              <label className="flex items-center gap-2">
                <input
                  type="radio"
                  name="seed-mode"
                  checked={seedMode === "fixed"}
                  onChange={() => setSeedMode("fixed")}
                  className="size-4 accent-brand-600"
                />
                Use a seed (same seed, same result)
              </label>
              {seedMode === "fixed" ? (
                <div className="mt-1 pl-6">
                  <label htmlFor={`${inputId}-seed`} className="sr-only">
                    Seed number
                  </label>
                  <input
                    id={`${inputId}-seed`}
                    type="text"
                    inputMode="numeric"
                    autoComplete="off"
                    value={seed}
                    onChange={(event) => setSeed(event.currentTarget.value.replace(/[^0-9]/g, ""))}
                    placeholder="e.g. 42"
                    aria-invalid={seedInvalid && seed !== "" ? true : undefined}
                    aria-describedby={`${inputId}-seed-hint`}
                    className="w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 font-mono dark:border-zinc-700 dark:bg-zinc-900"
                  />
                  <p
                    id={`${inputId}-seed-hint`}
                    className="mt-1 text-xs text-zinc-600 dark:text-zinc-400"
                  >
                    A whole number from 0 to {MAX_SEED.toLocaleString("en")}.
                  </p>
                </div>
              ) : null}
            </div>
          </fieldset>

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
                <Button variant="secondary" onClick={() => cancelRef.current?.()}>
                  Cancel upload
                </Button>
              ) : null}
            </div>
          ) : (
            <button
              type="submit"
              disabled={!image || phase.kind !== "ready" || seedInvalid}
              className="inline-flex h-12 items-center justify-center gap-2 rounded-xl bg-brand-600 px-5 font-semibold text-white shadow-sm transition-colors hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-50 dark:bg-brand-500 dark:text-zinc-950 dark:hover:bg-brand-400"
            >
              Create {variations} variation{variations === 1 ? "" : "s"}
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

function UploadIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 48 48" className="size-14 text-brand-500">
      <rect x="4" y="8" width="40" height="32" rx="6" fill="currentColor" fillOpacity="0.12" />
      <path
        d="M12 34l8-9 6 6 4-4 6 7M24 22V6m0 0l-6 6m6-6l6 6"
        fill="none"
        stroke="currentColor"
        strokeWidth="2.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
