/**
 * Part 5, growth: how one job's time grows with the size of the upload (0.25 to 12 megapixels)
 * and with the number of variations (1–4). Jobs run alone, so each one's time can be split up.
 */
import { type Breakdown, type JobContext, type JobSample, runJob } from "./jobs.ts";
import { type Photo, photoOfMegapixels } from "./photos.ts";
import { type Sampling, summarize } from "./stats.ts";

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

export async function benchGrowth(
  input: Sampling & {
    ctx: JobContext;
    photo512: Photo;
    megapixels: number[];
    sizeVariations: number;
  },
): Promise<GrowthResults> {
  const { ctx, progress } = input;
  // Rounds over all sizes (and then all counts) rather than all repetitions of one at a time, so a
  // change in the machine's load is spread over every point instead of landing on one.
  const photos = new Map<number, Photo>();
  for (const mp of input.megapixels) photos.set(mp, await photoOfMegapixels(mp));
  const sizeJobs = new Map<number, JobSample[]>(input.megapixels.map((mp) => [mp, []]));
  const sizeBudget = input.budget.share(0.6);
  for (let r = 0; sizeBudget.more(r, input.reps.min, input.reps.max); r++) {
    for (const mp of input.megapixels) {
      const job = await runJob(ctx, photos.get(mp) as Photo, {
        variations: input.sizeVariations,
        seed: 300 + r,
        alone: true,
      });
      sizeJobs.get(mp)?.push(job);
      progress(`growth: ${mp} MP, round ${r + 1} → ${Math.round(job.succeededMs)} ms`);
    }
  }
  const bySize = input.megapixels.map((mp) => {
    const photo = photos.get(mp) as Photo;
    return point(mp, `${mp} MP (${photo.width}×${photo.height})`, photo, sizeJobs.get(mp) ?? []);
  });

  const counts = [1, 2, 3, 4];
  const countJobs = new Map<number, JobSample[]>(counts.map((n) => [n, []]));
  for (let r = 0; input.budget.more(r, input.reps.min, input.reps.max); r++) {
    for (const n of counts) {
      const job = await runJob(ctx, input.photo512, { variations: n, seed: 400 + r, alone: true });
      countJobs.get(n)?.push(job);
      progress(`growth: ${n} variation(s), round ${r + 1} → ${Math.round(job.succeededMs)} ms`);
    }
  }
  const byVariations = counts.map((n) =>
    point(n, `${n} variation${n > 1 ? "s" : ""}`, input.photo512, countJobs.get(n) ?? []),
  );
  return {
    bySize: { variations: input.sizeVariations, points: bySize },
    byVariations: { photo: input.photo512.label, points: byVariations },
  };
}
