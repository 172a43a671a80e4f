import {
  DEFAULT_STRENGTH,
  DEFAULT_STYLE,
  DEFAULT_VARIATIONS,
  type JobRequestOptions,
  MAX_SEED,
  MAX_VARIATIONS,
  MIN_VARIATIONS,
  STYLES,
  type Strength,
  type Style,
  stylePreviewPath,
} from "@artai/core/contract";
import type { ReactNode } from "react";
import { randomSeed } from "@/lib/format.ts";

/**
 * The choices a person makes before creating a job. To offer another option, add its field here
 * and to `DEFAULT_OPTIONS`, map it onto the request in `toRequest`, and give it a fieldset below.
 */
export interface UploadOptions {
  style: Style;
  variations: number;
  strength: Strength;
  seedMode: "surprise" | "fixed";
  /** The seed as typed (digits only); used when `seedMode` is `fixed`. */
  seed: string;
}

export const DEFAULT_OPTIONS: UploadOptions = {
  style: DEFAULT_STYLE,
  variations: DEFAULT_VARIATIONS,
  strength: DEFAULT_STRENGTH,
  seedMode: "surprise",
  seed: "",
};

/** A fixed seed must be a whole number in the API's range. */
export function seedInvalid(options: UploadOptions): boolean {
  if (options.seedMode !== "fixed") return false;
  const value = Number(options.seed);
  return options.seed.trim() === "" || !Number.isInteger(value) || value < 0 || value > MAX_SEED;
}

/** The options as `POST /api/jobs` takes them; "surprise me" draws a fresh seed on every call. */
export function toRequest(options: UploadOptions): JobRequestOptions {
  return {
    style: options.style,
    variations: options.variations,
    strength: options.strength,
    seed: options.seedMode === "fixed" ? Number(options.seed) : randomSeed(),
  };
}

const VARIATION_CHOICES = Array.from(
  { length: MAX_VARIATIONS - MIN_VARIATIONS + 1 },
  (_, i) => MIN_VARIATIONS + i,
);

const strengths: { value: Strength; label: string; hint: string }[] = [
  { value: "subtle", label: "Subtle", hint: "Keeps the picture, refreshes texture and detail" },
  { value: "strong", label: "Strong", hint: "A bolder reinterpretation" },
];

const seedModes: { value: UploadOptions["seedMode"]; label: string }[] = [
  { value: "surprise", label: "Surprise me" },
  { value: "fixed", label: "Use a seed (same seed, same result)" },
];

/** One option's fieldset: its legend, then its choices laid out by `className`. */
function Choices({
  legend,
  disabled,
  className,
  children,
}: {
  legend: string;
  disabled: boolean;
  className: string;
  children: ReactNode;
}) {
  return (
    <fieldset disabled={disabled}>
      <legend className="mb-2 font-medium text-sm">{legend}</legend>
      <div className={className}>{children}</div>
    </fieldset>
  );
}

/** A radio button shown as a card: the input is visually hidden, and the card shows its state. */
function RadioCard({
  name,
  value,
  checked,
  onSelect,
  className,
  children,
}: {
  name: string;
  value: string | number;
  checked: boolean;
  onSelect: () => void;
  className: string;
  children: ReactNode;
}) {
  return (
    <label className="relative">
      <input
        type="radio"
        name={name}
        value={value}
        checked={checked}
        onChange={onSelect}
        className="peer sr-only"
      />
      <span className={className}>{children}</span>
    </label>
  );
}

/** The options' fieldsets, controlled: `onChange` receives the whole new value. */
export function OptionsPanel({
  value,
  onChange,
  disabled,
  idPrefix,
}: {
  value: UploadOptions;
  onChange: (next: UploadOptions) => void;
  disabled: boolean;
  /** Makes the panel's element ids unique on the page. */
  idPrefix: string;
}) {
  const set = (change: Partial<UploadOptions>) => onChange({ ...value, ...change });
  return (
    <>
      <StylePicker
        value={value.style}
        onChange={(style) => set({ style })}
        disabled={disabled}
        idPrefix={idPrefix}
      />

      <Choices legend="Number of variations" disabled={disabled} className="grid grid-cols-4 gap-2">
        {VARIATION_CHOICES.map((n) => (
          <RadioCard
            key={n}
            name="variations"
            value={n}
            checked={value.variations === n}
            onSelect={() => set({ variations: n })}
            className="flex h-11 cursor-pointer items-center justify-center rounded-lg border border-zinc-300 font-medium peer-checked:border-brand-600 peer-checked:bg-brand-600 peer-checked:text-white peer-focus-visible:ring-4 peer-focus-visible:ring-brand-500/40 dark:border-zinc-700 dark:peer-checked:border-brand-400 dark:peer-checked:bg-brand-400 dark:peer-checked:text-zinc-950"
          >
            {n}
          </RadioCard>
        ))}
      </Choices>

      <Choices legend="Strength" disabled={disabled} className="grid gap-2">
        {strengths.map((option) => (
          <RadioCard
            key={option.value}
            name="strength"
            value={option.value}
            checked={value.strength === option.value}
            onSelect={() => set({ strength: option.value })}
            className="block cursor-pointer rounded-lg border border-zinc-300 px-3 py-2 peer-checked:border-brand-600 peer-checked:bg-brand-50 peer-focus-visible:ring-4 peer-focus-visible:ring-brand-500/40 dark:border-zinc-700 dark:peer-checked:border-brand-400 dark:peer-checked:bg-brand-900/40"
          >
            <span className="block font-medium text-sm">{option.label}</span>
            <span className="block text-xs text-zinc-600 dark:text-zinc-400">{option.hint}</span>
          </RadioCard>
        ))}
      </Choices>

      <Choices legend="Seed" disabled={disabled} className="flex flex-col gap-2 text-sm">
        {seedModes.map((mode) => (
          <label key={mode.value} className="flex items-center gap-2">
            <input
              type="radio"
              name="seed-mode"
              checked={value.seedMode === mode.value}
              onChange={() => set({ seedMode: mode.value })}
              className="size-4 accent-brand-600"
            />
            {mode.label}
          </label>
        ))}
        {value.seedMode === "fixed" ? (
          <div className="mt-1 pl-6">
            <label htmlFor={`${idPrefix}-seed`} className="sr-only">
              Seed number
            </label>
            <input
              id={`${idPrefix}-seed`}
              type="text"
              inputMode="numeric"
              autoComplete="off"
              value={value.seed}
              onChange={(event) => set({ seed: event.currentTarget.value.replace(/[^0-9]/g, "") })}
              placeholder="e.g. 42"
              aria-invalid={seedInvalid(value) && value.seed !== "" ? true : undefined}
              aria-describedby={`${idPrefix}-seed-hint`}
              className="w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 font-mono dark:border-zinc-700 dark:bg-zinc-900"
            />
            <p
              id={`${idPrefix}-seed-hint`}
              className="mt-1 text-xs text-zinc-600 dark:text-zinc-400"
            >
              A whole number from 0 to {MAX_SEED.toLocaleString("en")}.
            </p>
          </div>
        ) : null}
      </Choices>
    </>
  );
}

/** The media "Surprise me" mixes: its card shows their previews together. */
const MEDIA = STYLES.filter((s) => s.id !== "photo" && s.id !== "surprise");

/**
 * The style picker: one card per style of the contract, each with its preview, rendered once by
 * the real model from the app's sample photo (`pnpm --filter @artai/web previews`).
 */
export function StylePicker({
  value,
  onChange,
  disabled,
  idPrefix,
}: {
  value: Style;
  onChange: (style: Style) => void;
  disabled: boolean;
  idPrefix: string;
}) {
  return (
    <Choices legend="Style" disabled={disabled} className="grid grid-cols-2 gap-2 sm:grid-cols-3">
      {STYLES.map((style) => (
        <label key={style.id} className="relative" title={style.description}>
          <input
            type="radio"
            name="style"
            value={style.id}
            checked={value === style.id}
            onChange={() => onChange(style.id)}
            aria-describedby={`${idPrefix}-style-${style.id}-hint`}
            className="peer sr-only"
          />
          <span className="block cursor-pointer overflow-hidden rounded-lg border border-zinc-300 peer-checked:border-brand-600 peer-checked:ring-2 peer-checked:ring-brand-600 peer-focus-visible:ring-4 peer-focus-visible:ring-brand-500/40 dark:border-zinc-700 dark:peer-checked:border-brand-400 dark:peer-checked:ring-brand-400">
            {style.id === "surprise" ? (
              <span className="grid aspect-[3/2] grid-cols-2 grid-rows-2" aria-hidden="true">
                {MEDIA.slice(0, 4).map((m) => (
                  // biome-ignore lint/performance/noImgElement: a tiny static preview; next/image would add a loader for nothing
                  <img
                    key={m.id}
                    src={stylePreviewPath(m.id)}
                    alt=""
                    width={160}
                    height={107}
                    className="size-full object-cover"
                  />
                ))}
              </span>
            ) : (
              // biome-ignore lint/performance/noImgElement: a tiny static preview; next/image would add a loader for nothing
              <img
                src={stylePreviewPath(style.id)}
                alt=""
                width={320}
                height={213}
                className="aspect-[3/2] w-full object-cover"
              />
            )}
            <span className="block px-2 py-1.5">
              <span className="block font-medium text-sm">{style.name}</span>
              <span
                id={`${idPrefix}-style-${style.id}-hint`}
                className="block text-xs text-zinc-600 leading-snug dark:text-zinc-400"
              >
                {style.description}
              </span>
            </span>
          </span>
        </label>
      ))}
    </Choices>
  );
}
