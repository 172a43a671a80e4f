/**
 * Part 5, growth: how one job's time grows with the size of the upload (0.25 to 12 megapixels)
 * and with the number of variations (1–4). Jobs run alone, so each one's time can be split up.
 */
import { type Breakdown, type JobContext, type JobSample, runJob } from "./jobs.ts";
import { type Photo, photoOfMegapixels } from "./photos.ts";
import { type Budget, summarize } from "./stats.ts";

export interface GrowthPoint {
  x: number;
  label: string;
  uploadBytes: number;
  jobs: JobSample[];
  /** Median upload complete → succeeded (ms). */
  medianMs: number;
  /** Median of each part (ms). */
  breakdown: Breakdown;
}

export interface GrowthResults {
  bySize: { variations: number; points: GrowthPoint[] };
  byVariations: { photo: string; points: GrowthPoint[] };
}

function point(x: number, label: string, photo: Photo, jobs: JobSample[]): GrowthPoint {
  const parts = jobs.map((j) => j.breakdown).filter((b): b is Breakdown => !!b);
  const keys = Object.keys(parts[0] ?? {}) as (keyof Breakdown)[];
  return {
    x,
    label,
    uploadBytes: photo.bytes.length,
    jobs,
    medianMs: summarize(jobs.map((j) => j.succeededMs)).p50,
    breakdown: Object.fromEntries(
      keys.map((k) => [k, summarize(parts.map((b) => b[k])).p50]),
    ) as unknown as Breakdown,
  };
}

export async function benchGrowth(input: {
  ctx: JobContext;
  photo512: Photo;
  megapixels: number[];
  sizeVariations: number;
  reps: { min: number; max: number };
  budget: Budget;
  progress: (line: string) => void;
}): Promise<GrowthResults> {
  const { ctx, progress } = input;
  const bySize: GrowthPoint[] = [];
  const sizeBudget = input.budget.share(0.6);
  for (const mp of input.megapixels) {
    const photo = await photoOfMegapixels(mp);
    const jobs: JobSample[] = [];
    for (let r = 0; sizeBudget.more(r, input.reps.min, input.reps.max); r++) {
      jobs.push(
        await runJob(ctx, photo, { variations: input.sizeVariations, seed: 300 + r, alone: true }),
      );
    }
    const p = point(mp, `${mp} MP (${photo.width}×${photo.height})`, photo, jobs);
    bySize.push(p);
    progress(
      `growth: ${p.label}, ${(photo.bytes.length / 1e6).toFixed(2)} MB JPEG → ${Math.round(p.medianMs)} ms`,
    );
  }
  const byVariations: GrowthPoint[] = [];
  for (let n = 1; n <= 4; n++) {
    const jobs: JobSample[] = [];
    for (let r = 0; input.budget.more(r, input.reps.min, input.reps.max); r++) {
      jobs.push(await runJob(ctx, input.photo512, { variations: n, seed: 400 + r, alone: true }));
    }
    const p = point(n, `${n} variation${n > 1 ? "s" : ""}`, input.photo512, jobs);
    byVariations.push(p);
    progress(`growth: ${p.label} of ${input.photo512.label} → ${Math.round(p.medianMs)} ms`);
  }
  return {
    bySize: { variations: input.sizeVariations, points: bySize },
    byVariations: { photo: input.photo512.label, points: byVariations },
  };
}
