import { CONTENT_TYPES, LIMITS_IN_WORDS } from "@artai/core/contract";
import { type DragEvent, useEffect, useRef, useState } from "react";
import { formatBytes } from "@/lib/format.ts";
import type { CheckedImage } from "@/lib/image-check.ts";
import { Button, Spinner } from "./ui.tsx";

/**
 * Where the image comes in: the file input (labelled "Choose an image"), a drop zone around it,
 * and paste from anywhere on the page. Shows the chosen image's preview, or how to give one.
 */
export function DropZone({
  inputId,
  image,
  busy,
  checking,
  onFile,
  onClear,
}: {
  inputId: string;
  image: CheckedImage | null;
  busy: boolean;
  checking: boolean;
  onFile: (file: File | undefined) => void;
  onClear: () => void;
}) {
  const fileInput = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  // Paste an image from anywhere on the page.
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const file = Array.from(event.clipboardData?.files ?? []).find(Boolean);
      if (!file) return;
      event.preventDefault();
      onFile(file);
    };
    document.addEventListener("paste", onPaste);
    return () => document.removeEventListener("paste", onPaste);
  }, [onFile]);

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
    onFile(event.dataTransfer.files[0]);
  };

  const remove = () => {
    onClear();
    if (fileInput.current) fileInput.current.value = "";
  };

  return (
    <>
      <input
        ref={fileInput}
        id={inputId}
        type="file"
        accept={CONTENT_TYPES.join(",")}
        aria-label="Choose an image"
        aria-describedby={`${inputId}-limits`}
        className="peer sr-only"
        disabled={busy}
        onChange={(event) => onFile(event.currentTarget.files?.[0])}
      />
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the drop zone is a pointer convenience; the file input and paste cover keyboard use */}
      <div
        onDragEnter={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragOver={(event) => event.preventDefault()}
        onDragLeave={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
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
                <Button variant="ghost" onClick={remove}>
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
            {checking ? (
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
    </>
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
