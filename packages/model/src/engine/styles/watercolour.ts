/**
 * Watercolour: the picture as a few flat, transparent washes on paper. The generator first dreams
 * the picture back from a tiny thumbnail (its blobs become the washes' shapes), the washes take
 * the colours of a small seeded palette, wobble at their edges, dry darker at their rims (pigment
 * pools where a wash ends), bloom and granulate with the paper; a faint pencil underdrawing shows
 * through. The generator then restores the painted sheet, so the grain and edges are its own.
 */
import {
  blur,
  clamp,
  clampRgb,
  displace,
  hex,
  luma,
  noise,
  resize,
  shrink,
  smoothstep,
} from "./raster.ts";
import type { ArtStyle, StyleContext } from "./style.ts";

const PAPERS = ["#faf7ee", "#f8f4e8", "#f6f6f2", "#faf5ec"].map(hex);

export const watercolour: ArtStyle = {
  id: "watercolour",
  name: "Watercolour",
  description: "Soft transparent washes on textured paper, darker where each wash dries.",
  async render({ input, rng, generator, w, h, u, strong }: StyleContext) {
    // 1. The generator's own simplification: the picture from a thumbnail, restored to size.
    const factor = (strong ? 3 : 2) * rng.range(0.9, 1.15);
    const tw = Math.max(2, Math.round(w / factor));
    const th = Math.max(2, Math.round(h / factor));
    const thumbnail = shrink(input.rgb, { w, h, channels: 3, W: tw, H: th });
    const dreamt = await generator.run(thumbnail, tw, th);
    const [dw, dh] = [tw * generator.scale, th * generator.scale];
    let base = resize(dreamt, { w: dw, h: dh, channels: 3, W: w, H: h });

    // 2. Hand-made wobble at the washes' edges; colour soft as wet paint.
    const wobble = (strong ? 2.2 : 1.5) * u;
    base = displace(base, w, h, 3, noise(w, h, 9 * u, rng, 2), noise(w, h, 9 * u, rng, 2), wobble);
    const colour = blur(base, w, h, 3, (strong ? 2.2 : 1.4) * u);
    const tone = luma(blur(base, w, h, 3, 0.8 * u));

    // 3. Glazes: the darkness of each point in a few layered washes, their boundaries moved by
    // blooms (wet-in-wet) and by the paper's grain.
    const paper = PAPERS[Math.floor(rng.range(0, PAPERS.length))] as [number, number, number];
    const paperLum = 0.299 * paper[0] + 0.587 * paper[1] + 0.114 * paper[2];
    const glazes = strong ? 4 + Math.floor(rng.range(0, 2)) : 6 + Math.floor(rng.range(0, 2));
    const dilution = strong ? rng.range(0.72, 0.84) : rng.range(0.76, 0.88);
    const vivid = rng.range(1.0, 1.2);
    const bloom = noise(w, h, (strong ? 22 : 16) * u, rng, 3);
    const grain = noise(w, h, 1, rng, 2, 0.6);
    const tooth = noise(w, h, 2.5 * u, rng, 2);
    // The glazes span the picture's own tonal range (3rd to 97th percentile), so a low-contrast
    // photo still gets its light and dark washes.
    const sorted = Float32Array.from(tone).sort();
    const dark = sorted[Math.floor(sorted.length * 0.03)] as number;
    const light = Math.max(dark + 1, sorted[Math.floor(sorted.length * 0.97)] as number);
    const level = new Float32Array(w * h);
    for (let p = 0; p < w * h; p++) {
      const d = 0.04 + 0.86 * clamp((light - (tone[p] as number)) / (light - dark), 0, 1);
      const moved = d * glazes + 0.3 * (bloom[p] as number) + 0.1 * (tooth[p] as number);
      const i = Math.floor(moved);
      // Each glaze ends in a short soft step, not a hard cut.
      level[p] = clamp((i + smoothstep(0.2, 0.8, moved - i)) / glazes, 0, 1);
    }
    // Pigment pools where a glaze ends: darker on the inside of every step.
    const spread = blur(level, w, h, 1, 1.1 * u);
    const out = new Float32Array(w * h * 3);
    for (let p = 0; p < w * h; p++) {
      const q = level[p] as number;
      const rim = Math.min(0.12, Math.max(0, q - (spread[p] as number)) * (strong ? 1.2 : 1));
      // Watercolour is high-key: the glazes' density rises slowly, so light and mid tones stay
      // transparent and the paper shows; pigment granulates in the paper's grain.
      const density =
        clamp(q ** 1.35 + rim, 0, 1) *
        dilution *
        (1 + 0.3 * (grain[p] as number) + 0.15 * (tooth[p] as number));
      const l =
        0.299 * (colour[p * 3] as number) +
        0.587 * (colour[p * 3 + 1] as number) +
        0.114 * (colour[p * 3 + 2] as number);
      const target = paperLum * (1 - density);
      for (let j = 0; j < 3; j++) {
        const c = colour[p * 3 + j] as number;
        // The wash's hue, at the glazes' lightness, a little more vivid than the photo.
        const hue = (l + (c - l) * vivid) * (target / Math.max(8, l));
        const tinted = Math.min(hue, paper[j] as number);
        out[p * 3 + j] = tinted * (1 + 0.05 * (grain[p] as number));
      }
    }
    const rgb = await generator.run(clampRgb(out), w, h);
    return {
      rgb,
      recipe: `thumbnail=1/${factor.toFixed(1)};glazes=${glazes};dilution=${dilution.toFixed(2)};wobble=${wobble.toFixed(1)}px;paper=${paper.join(",")}`,
    };
  },
};
