import type { Variation } from "@artai/core/contract";
import { styleName } from "@/lib/format.ts";
import { Button, LineIcon, Spinner } from "./ui.tsx";

export function DownloadIcon() {
  return <LineIcon d="M10 3v10m0 0l-4-4m4 4l4-4M4 16h12" />;
}

/**
 * A job's variations, each with its compare, download and "vary this" controls, followed by a
 * placeholder for every variation still being painted.
 */
export function VariationGrid(props: {
  variations: Variation[];
  pendingSlots: number;
  /** The placeholders' shape: the first variation's, or 4:3 before there is one. */
  aspect: string;
  /** The action in progress (`download-<i>`, `vary-<i>`, …); every control waits while one runs. */
  action: string | null;
  onOpen: (variation: Variation) => void;
  onDownload: (variation: Variation) => void;
  onVary: (variation: Variation) => void;

  /** An image link expired: fetch the job again for fresh ones. */
  onImageError: () => void;
}) {
  const { variations, action } = props;
  return (
    <ul className="grid grid-cols-1 gap-4 min-[480px]:grid-cols-2">
      {variations.map((variation) => (
        <li key={variation.index} className="flex flex-col gap-2">
          <button
            type="button"
            onClick={() => props.onOpen(variation)}
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
              onError={props.onImageError}
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
                · {styleName(variation.style)} · seed {variation.seed}
              </span>
            </p>
            <div className="flex gap-1">
              <Button
                variant="ghost"
                className="px-2.5 py-1.5"
                onClick={() => props.onDownload(variation)}
                disabled={action !== null}
                aria-label={`Download variation ${variation.index + 1}`}
              >
                <DownloadIcon />
              </Button>
              <Button
                variant="ghost"
                className="px-2.5 py-1.5"
                onClick={() => props.onVary(variation)}
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
      {Array.from({ length: props.pendingSlots }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity but their slot
        <li key={`pending-${i}`} aria-hidden="true">
          <div
            className="shimmer rounded-xl bg-zinc-100 dark:bg-zinc-900"
            style={{ aspectRatio: props.aspect }}
          />
        </li>
      ))}
    </ul>
  );
}
