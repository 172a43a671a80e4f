import { z } from "zod";
import { DEFAULT_STYLE, STYLE_IDS } from "./engine/styles/index.ts";
import { ModelError } from "./errors.ts";

/** The header that carries the options (the SDK's `CustomAttributes`). */
export const OPTIONS_HEADER = "x-amzn-sagemaker-custom-attributes";

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,10}$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const OptionsSchema = z
  .object({
    variations: integer(1, 4).default(4),
    strength: z.enum(["subtle", "strong"]).default("subtle"),
    seed: integer(0, 0xffffffff).default(0),
    style: z.enum(STYLE_IDS).default(DEFAULT_STYLE),
  })
  .strict();

export type VariationOptions = z.output<typeof OptionsSchema>;

/**
 * Parses `variations=4;strength=subtle;seed=123;style=photo` (any order, each key at most once,
 * all optional: variations 1-4 default 4, strength subtle|strong default subtle, seed 0..2^32-1
 * default 0, style one of STYLE_IDS default photo).
 * Anything else is a 400 InvalidOptions.
 */
export function parseOptions(header: string | undefined): VariationOptions {
  const fields: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (eq < 0)
      throw new ModelError("InvalidOptions", `"${key}" has no value (expected key=value)`);
    if (Object.hasOwn(fields, key))
      throw new ModelError("InvalidOptions", `"${key}" is given twice`);
    fields[key] = part.slice(eq + 1).trim();
  }
  const parsed = OptionsSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "options";
    const message =
      issue?.code === "unrecognized_keys"
        ? `unknown option ${issue.keys.map((k) => `"${k}"`).join(", ")}`
        : `${where}: ${issue?.message ?? "invalid"}`;
    throw new ModelError(
      "InvalidOptions",
      `${message} (expected variations=1..4;strength=subtle|strong;seed=0..4294967295;style=${STYLE_IDS.join("|")})`,
    );
  }
  return parsed.data;
}
