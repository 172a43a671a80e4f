import {
  DEFAULT_STRENGTH,
  DEFAULT_VARIATIONS,
  type JobRequestOptions,
  MAX_SEED,
  MAX_VARIATIONS,
  MIN_VARIATIONS,
  type Strength,
} from "@artai/core/contract";
import { randomSeed } from "@/lib/format.ts";

/**
 * The choices a person makes before creating a job. To offer another option, add its field here
 * and to `DEFAULT_OPTIONS`, map it onto the request in `toRequest`, and give it a fieldset below.
 */
export interface UploadOptions {
  variations: number;
  strength: Strength;
  seedMode: "surprise" | "fixed";
  /** The seed as typed (digits only); used when `seedMode` is `fixed`. */
  seed: string;
}

export const DEFAULT_OPTIONS: UploadOptions = {
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
      <fieldset disabled={disabled}>
        <legend className="mb-2 font-medium text-sm">Number of variations</legend>
        <div className="grid grid-cols-4 gap-2">
          {VARIATION_CHOICES.map((n) => (
            <label key={n} className="relative">
              <input
                type="radio"
                name="variations"
                value={n}
                checked={value.variations === n}
                onChange={() => set({ variations: n })}
                className="peer sr-only"
              />
              <span className="flex h-11 cursor-pointer items-center justify-center rounded-lg border border-zinc-300 font-medium peer-checked:border-brand-600 peer-checked:bg-brand-600 peer-checked:text-white peer-focus-visible:ring-4 peer-focus-visible:ring-brand-500/40 dark:border-zinc-700 dark:peer-checked:border-brand-400 dark:peer-checked:bg-brand-400 dark:peer-checked:text-zinc-950">
                {n}
              </span>
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset disabled={disabled}>
        <legend className="mb-2 font-medium text-sm">Strength</legend>
        <div className="grid gap-2">
          {strengths.map((option) => (
            <label key={option.value} className="relative">
              <input
                type="radio"
                name="strength"
                value={option.value}
                checked={value.strength === option.value}
                onChange={() => set({ strength: option.value })}
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

      <fieldset disabled={disabled}>
        <legend className="mb-2 font-medium text-sm">Seed</legend>
        <div className="flex flex-col gap-2 text-sm">
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="seed-mode"
              checked={value.seedMode === "surprise"}
              onChange={() => set({ seedMode: "surprise" })}
              className="size-4 accent-brand-600"
            />
            Surprise me
          </label>
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="seed-mode"
              checked={value.seedMode === "fixed"}
              onChange={() => set({ seedMode: "fixed" })}
              className="size-4 accent-brand-600"
            />
            Use a seed (same seed, same result)
          </label>
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
                onChange={(event) =>
                  set({ seed: event.currentTarget.value.replace(/[^0-9]/g, "") })
                }
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
        </div>
      </fieldset>
    </>
  );
}
