/**
 * Pencil: a graphite drawing on toothed paper. Contours come from a difference of Gaussians on
 * luma; tone is built up in up to three layers of hatching at seeded angles, each layer drawn
 * only where the picture is dark enough, as broken strokes of varying pressure; graphite catches
 * on the paper's tooth. The generator restores the drawing, so the grain of the lines is its own.
 */
import { fmix32 } from "../random.ts";
import { blur, clamp, luma, noise, smoothstep } from "./raster.ts";
import type { ArtStyle, StyleContext } from "./style.ts";

const PAPERS: { name: string; rgb: [number, number, number]; lead: [number, number, number] }[] = [
  { name: "white", rgb: [246, 245, 240], lead: [52, 54, 60] },
  { name: "cream", rgb: [244, 236, 216], lead: [58, 52, 48] },
  { name: "grey", rgb: [226, 226, 222], lead: [40, 42, 48] },
  { name: "sepia", rgb: [240, 226, 200], lead: [92, 54, 34] },
];

/** A deterministic value in 0..1 for integer coordinates. */
const hash = (a: number, b: number, c: number) =>
  fmix32((Math.imul(a, 0x27d4eb2d) ^ Math.imul(b, 0x165667b1) ^ c) >>> 0) / 4294967296;

export const pencil: ArtStyle = {
  id: "pencil",
  name: "Pencil sketch",
  description: "Graphite contours and cross-hatching on toothed paper.",
  async render({ input, rng, generator, w, h, u, strong }: StyleContext) {
    const lum = luma(input.rgb);

    // Stretch the tones between the 2nd and 98th percentiles.
    const sorted = Float32Array.from(lum).sort();
    const lo = sorted[Math.floor(sorted.length * 0.02)] as number;
    const hi = Math.max(lo + 1, sorted[Math.floor(sorted.length * 0.98)] as number);
    const tone = new Float32Array(w * h);
    const smooth = blur(lum, w, h, 1, 0.6 * u);
    for (let p = 0; p < w * h; p++)
      tone[p] = clamp(1 - ((smooth[p] as number) - lo) / (hi - lo), 0, 1) ** 1.15;

    // Contours and inner lines: where a point is darker than its surroundings (the ratio of luma
    // to its blur, as a colour-dodge sketch does), drawn as graphite lines.
    const fine = blur(lum, w, h, 1, 0.5 * u);
    const coarse = blur(lum, w, h, 1, 2.2 * u);

    const paper = PAPERS[Math.floor(rng.range(0, PAPERS.length))] as (typeof PAPERS)[number];
    const period = (strong ? 4.6 : 3.6) * u * rng.range(0.9, 1.15);
    const base = rng.range(0, Math.PI);
    const angles = [base, base + Math.PI / 2 + rng.range(-0.3, 0.3), base + Math.PI / 4];
    const thresholds = strong ? [0.22, 0.5, 0.75] : [0.3, 0.55, 0.8];
    const strokeLength = (strong ? 18 : 13) * u;
    const layerSalt = [rng.next(), rng.next(), rng.next()].map((v) => Math.floor(v * 2 ** 31));
    const wobbleX = noise(w, h, 14 * u, rng, 2);
    const tooth = noise(w, h, 1, rng, 2, 0.7);
    const smudge = blur(tone, w, h, 1, 3 * u);
    const contourWeight = strong ? 0.95 : 0.8;
    // Strong is a quicker, bolder sketch: more gaps between strokes, less smudged tone.
    const gaps = strong ? 0.3 : 0.12;
    const smudging = strong ? 0.15 : 0.35;

    const out = new Float32Array(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const p = y * w + x;
        const t = tone[p] as number;
        let white = 1;
        for (let layer = 0; layer < 3; layer++) {
          const th = thresholds[layer] as number;
          if (t <= th) continue;
          const a = angles[layer] as number;
          const nx = Math.cos(a);
          const ny = Math.sin(a);
          // Across-the-lines and along-the-line coordinates, with a hand's slow wobble.
          const s = (x * nx + y * ny) / period + (wobbleX[p] as number) * 0.6;
          const line = Math.round(s);
          const d = Math.abs(s - line);
          const along = -x * ny + y * nx;
          const salt = layerSalt[layer] as number;
          const offset = hash(line, 7, salt) * strokeLength;
          const segment = Math.floor((along + offset) / strokeLength);
          const pressure = hash(line, segment, salt);
          if (pressure < gaps) continue; // a gap between strokes
          const weight = smoothstep(th, th + 0.25, t);
          const width = 0.1 + 0.2 * weight;
          const ink =
            (1 - smoothstep(width - 0.1, width + 0.1, d)) * weight * (0.55 + 0.45 * pressure);
          white *= 1 - 0.85 * ink;
        }
        const ratio = ((fine[p] as number) + 8) / ((coarse[p] as number) + 8);
        const contour = smoothstep(0.97, 0.72, ratio) * contourWeight;
        white *= 1 - contour;
        // Soft smudged graphite carries the broad tone; the paper's tooth breaks every mark.
        white *= 1 - smudging * (smudge[p] as number) ** 1.4;
        const toothy = 1 - (1 - white) * (0.72 + 0.28 * (tooth[p] as number));
        const g = 1 + 0.03 * (tooth[p] as number);
        for (let j = 0; j < 3; j++) {
          const pc = paper.rgb[j] as number;
          const lead = paper.lead[j] as number;
          out[p * 3 + j] = clamp((lead + (pc - lead) * toothy) * g, 0, 255);
        }
      }
    const rgb = await generator.run(out, w, h);
    return {
      rgb,
      recipe: `paper=${paper.name};hatch=${period.toFixed(1)}px@${Math.round((base * 180) / Math.PI)};stroke=${strokeLength.toFixed(0)}px`,
    };
  },
};
