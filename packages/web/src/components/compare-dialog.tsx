"use client";

import type { Variation } from "@artai/core/contract";
import { useId, useState } from "react";
import { styleName } from "@/lib/format.ts";
import { useModal } from "@/lib/use-modal.ts";
import { Button, LineIcon } from "./ui.tsx";

/**
 * A before/after slider in a modal dialog. The native <dialog> traps focus, closes on Escape and
 * returns focus to the opener; the slider is a real range input, so arrow keys move it.
 */
export function CompareDialog({
  original,
  variation,
  count,
  onClose,
  onStep,
  onDownload,
  onVary,
  busy,
}: {
  original: string;
  variation: Variation | null;
  count: number;
  onClose: () => void;
  onStep: (delta: number) => void;
  onDownload: (variation: Variation) => void;
  onVary: (variation: Variation) => void;
  busy: boolean;
}) {
  const ref = useModal(variation !== null);
  const titleId = useId();
  const [position, setPosition] = useState(50);

  const number = (variation?.index ?? 0) + 1;

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a click on the backdrop closes, as Escape does for keyboards
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      onClick={(event) => {
        if (event.target === event.currentTarget) event.currentTarget.close();
      }}
      className="m-auto w-[min(100vw-1rem,72rem)] max-w-none rounded-2xl bg-white p-0 text-zinc-900 shadow-2xl dark:bg-zinc-900 dark:text-zinc-100"
    >
      {variation ? (
        <div className="flex flex-col gap-4 p-4 sm:p-6">
          <div className="flex items-start justify-between gap-4">
            <div>
              <h2 id={titleId} className="font-semibold text-lg">
                Variation {number} compared with the original
              </h2>
              <p className="text-sm text-zinc-600 dark:text-zinc-400">
                {styleName(variation.style)}. Drag the divider or use the arrow keys. Seed{" "}
                {variation.seed} · {variation.width} × {variation.height} px
              </p>
            </div>
            <Button
              variant="ghost"
              onClick={() => ref.current?.close()}
              aria-label="Close comparison"
            >
              <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4">
                <path
                  d="M4 4l8 8M12 4l-8 8"
                  stroke="currentColor"
                  strokeWidth="2"
                  strokeLinecap="round"
                />
              </svg>
            </Button>
          </div>

          <div
            className="checkerboard relative mx-auto w-full overflow-hidden rounded-xl"
            style={{
              aspectRatio: `${variation.width} / ${variation.height}`,
              maxHeight: "70dvh",
              maxWidth: `calc(70dvh * ${variation.width / variation.height})`,
            }}
          >
            {/* biome-ignore lint/performance/noImgElement: presigned cross-origin URLs that expire; next/image would proxy them */}
            <img
              src={variation.url}
              alt={`Variation ${number}`}
              className="absolute inset-0 size-full object-contain"
            />
            <div
              className="absolute inset-0"
              style={{ clipPath: `inset(0 ${100 - position}% 0 0)` }}
            >
              {/* biome-ignore lint/performance/noImgElement: as above */}
              <img
                src={original}
                alt="Original"
                className="absolute inset-0 size-full object-contain"
              />
            </div>
            <span className="pointer-events-none absolute top-3 left-3 rounded-md bg-black/65 px-2 py-1 font-medium text-white text-xs">
              Original
            </span>
            <span className="pointer-events-none absolute top-3 right-3 rounded-md bg-black/65 px-2 py-1 font-medium text-white text-xs">
              Variation {number}
            </span>
            <input
              type="range"
              min={0}
              max={100}
              step={1}
              value={position}
              onChange={(event) => setPosition(Number(event.currentTarget.value))}
              aria-label="Comparison divider"
              aria-valuetext={`${position}% original, ${100 - position}% variation`}
              className="peer absolute inset-0 size-full cursor-ew-resize opacity-0"
            />
            <div
              aria-hidden="true"
              className="pointer-events-none absolute inset-y-0 w-0.5 -translate-x-1/2 bg-white shadow-[0_0_0_1px_rgb(0_0_0/0.3)] peer-focus-visible:bg-brand-400"
              style={{ left: `${position}%` }}
            >
              <span className="absolute top-1/2 left-1/2 flex size-9 -translate-x-1/2 -translate-y-1/2 items-center justify-center rounded-full bg-white text-zinc-900 shadow-lg">
                <LineIcon d="M7 5l-4 5 4 5M13 5l4 5-4 5" className="size-5" />
              </span>
            </div>
          </div>

          <div className="flex flex-wrap items-center justify-between gap-2">
            <div className="flex gap-2">
              <Button
                onClick={() => onStep(-1)}
                disabled={count < 2}
                aria-label="Previous variation"
              >
                ← Previous
              </Button>
              <Button onClick={() => onStep(1)} disabled={count < 2} aria-label="Next variation">
                Next →
              </Button>
            </div>
            <div className="flex flex-wrap gap-2">
              <Button onClick={() => onDownload(variation)}>Download variation {number}</Button>
              <Button variant="primary" disabled={busy} onClick={() => onVary(variation)}>
                Vary this one
              </Button>
            </div>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
