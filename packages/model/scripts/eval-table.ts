/**
 * The Markdown that `eval` writes into docs/model.md's "eval" section: the strength table, the
 * per-photo table and the per-style table, built from the measured rows.
 */
import { type EvalRow, SEED, SHEET_STYLES, STRENGTHS, type StyleRow } from "./eval-config.ts";
import { mean } from "./metrics.ts";

/** The "eval" section, from `rows` and `styleRows` measured on `photos` in `seconds`. */
export function evalTable(
  photos: string[],
  rows: EvalRow[],
  styleRows: StyleRow[],
  seconds: number,
): string {
  const f = (n: number, d = 3) => n.toFixed(d);
  const lines = [
    `Seed ${SEED}, 4 variations per request, ${photos.length} photos; produced by \`pnpm --filter @artai/model eval\` in ${seconds} s.`,
    "",
    "| strength | SSIM vs input (luma, 256 px) ↑ similar | ΔE vs input (64 px) | ΔE between variations (64 px) ↑ diverse | deterministic |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const strength of STRENGTHS) {
    const rs = rows.filter((r) => r.strength === strength);
    lines.push(
      `| **${strength}** (mean of ${rs.length}) | ${f(mean(rs.map((r) => r.ssim)))} | ${f(mean(rs.map((r) => r.departure)), 2)} | ${f(mean(rs.map((r) => r.diversity)), 2)} | ${rs.every((r) => r.deterministic) ? "yes, all" : "NO"} |`,
    );
  }
  const photosWhereOrdered = photos.filter((photo) => {
    const s = rows.find((r) => r.photo === photo && r.strength === "subtle");
    const g = rows.find((r) => r.photo === photo && r.strength === "strong");
    return s && g && s.ssim > g.ssim && g.diversity > s.diversity;
  }).length;
  lines.push(
    "",
    `Per photo, strong is less similar and more diverse than subtle on ${photosWhereOrdered} of ${photos.length} photos.`,
    "",
    "| photo | strength | SSIM | ΔE vs input | ΔE between | deterministic |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.photo} | ${r.strength} | ${f(r.ssim)} | ${f(r.departure, 2)} | ${f(r.diversity, 2)} | ${r.deterministic ? "yes" : "NO"} |`,
    ),
  );
  lines.push(
    "",
    "### Per style",
    "",
    `Every style at both strengths on the ${photos.length} photos (4 variations each, seed ${SEED}). Composition: luminance correlation with the input at 16 px (1 = identical layout). Texture distance: how far the colour-blind texture statistic (normalised Gram matrices of derivative filters on luma at 256 and 128 px) moved from the input's; a colour grade scores about 0. Diversity: mean pairwise ΔE between the variations at 64 px. Speed: the server's model time per variation (generator passes and the style's own work) on this shared machine, at the photos' own sizes (≤ 640 px here, generator x3).`,
    "",
    "| style | strength | composition ↑ kept | texture distance ↑ further | ΔE between variations ↑ diverse | model time per variation | deterministic |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const style of SHEET_STYLES)
    for (const strength of STRENGTHS) {
      const rs = styleRows.filter((r) => r.style === style && r.strength === strength);
      lines.push(
        `| ${style} | ${strength} | ${f(mean(rs.map((r) => r.composition)))} (min ${f(Math.min(...rs.map((r) => r.composition)))}) | ${f(mean(rs.map((r) => r.texture)))} | ${f(mean(rs.map((r) => r.diversity)), 2)} | ${mean(rs.map((r) => r.msPerVariation)).toFixed(0)} ms | ${rs.every((r) => r.deterministic) ? "yes, all" : "NO"} |`,
      );
    }
  const photoTexture = (photo: string, strength: string) =>
    styleRows.find((r) => r.photo === photo && r.style === "photo" && r.strength === strength)
      ?.texture ?? Number.POSITIVE_INFINITY;
  const media = styleRows.filter((r) => r.style !== "photo");
  const further = media.filter((r) => r.texture > photoTexture(r.photo, r.strength)).length;
  const furtherThanSubtle = media.filter((r) => r.texture > photoTexture(r.photo, "subtle")).length;
  lines.push(
    "",
    `Texture further from the input's than the photo style's, on the same photo: ${furtherThanSubtle} of ${media.length} (photo, medium, strength) cases against photo subtle, ${further} of ${media.length} against photo at the same strength.`,
  );
  return lines.join("\n");
}
