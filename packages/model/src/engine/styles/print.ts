/**
 * Screen print: the picture separated into a few inks, each posterised to flat steps and screened
 * into halftone dots at its own angle, printed slightly out of register on off-white stock. Each
 * variation draws its ink set (process CMYK or a set of spot inks as a risograph would use). The
 * generator restores the printed sheet, so the dots' edges and the ink's grain are its own.
 */
import { blur, clamp, clampRgb, hex, noise, smoothstep } from "./raster.ts";
import type { ArtStyle, StyleContext } from "./style.ts";

type Rgb = [number, number, number];

/** Each set's inks for the cyan, magenta, yellow and key separations. */
const INK_SETS = [
  { name: "process", inks: ["#009ee0", "#e6007e", "#ffec00", "#1e1e24"] },
  { name: "riso-blue-pink", inks: ["#0078bf", "#ff48b0", "#ffe800", "#28283c"] },
  { name: "riso-teal-red", inks: ["#00838a", "#ff4848", "#ffb500", "#2c243c"] },
  { name: "riso-violet-orange", inks: ["#505cc8", "#ff6c2f", "#ffe050", "#221e32"] },
].map((set) => ({ name: set.name, inks: set.inks.map(hex) }));

export const print: ArtStyle = {
  id: "print",
  name: "Screen print",
  description: "Flat posterised inks in halftone dots, slightly out of register.",
  async render({ input, rng, generator, w, h, u, strong }: StyleContext) {
    const set = INK_SETS[Math.floor(rng.range(0, INK_SETS.length))] as (typeof INK_SETS)[number];
    const cell = (strong ? 6 : 4.6) * u * rng.range(0.9, 1.15);
    const levels = strong ? 3 : 5;
    const turn = rng.range(0, Math.PI / 6);
    const angles = [15, 75, 0, 45].map((a) => (a * Math.PI) / 180 + turn);
    const register = (strong ? 1 : 0.6) * u;
    const shifts = angles.map(() => [
      rng.range(-register, register),
      rng.range(-register, register),
    ]);
    const paper = hex("#f6f1e4");

    // Separations: CMYK, each posterised into flat steps.
    const smooth = blur(input.rgb, w, h, 3, 0.9 * u);
    const plates = new Float32Array(w * h * 4);
    for (let p = 0; p < w * h; p++) {
      const r = (smooth[p * 3] as number) / 255;
      const g = (smooth[p * 3 + 1] as number) / 255;
      const b = (smooth[p * 3 + 2] as number) / 255;
      // Grey component replacement: the grey that all three colour inks share is printed in key,
      // so the colour plates carry only colour and light tones stay open paper.
      const c0 = 1 - r;
      const m0 = 1 - g;
      const y0 = 1 - b;
      const grey = Math.min(c0, m0, y0);
      const k = smoothstep(0.15, 0.9, grey) * grey;
      const cmyk = [c0 - k, m0 - k, y0 - k, k];
      for (let j = 0; j < 4; j++) {
        // Strong: light ink opens to bare paper and heavy ink closes to solid, as a screen
        // prints; subtle keeps every tone in dots, so low-contrast pictures keep their layout.
        const ink = clamp(cmyk[j] as number, 0, 1);
        const pushed = strong ? smoothstep(0.12, 0.88, ink) : ink;
        const stepped = Math.round(pushed * levels) / levels;
        plates[p * 4 + j] = clamp(stepped, 0, 1);
      }
    }
    const fibres = noise(w, h, 1.5 * u, rng, 2, 0.6);
    const blotch = noise(w, h, 20 * u, rng, 2);
    const out = new Float32Array(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const p = y * w + x;
        const colour = [...paper];
        for (let j = 0; j < 4; j++) {
          const a = angles[j] as number;
          const [sx, sy] = shifts[j] as [number, number];
          const qx = x + sx;
          const qy = y + sy;
          // Position inside this plate's rotated screen cell.
          const cu = (qx * Math.cos(a) + qy * Math.sin(a)) / cell;
          const cv = (-qx * Math.sin(a) + qy * Math.cos(a)) / cell;
          const du = cu - Math.round(cu);
          const dv = cv - Math.round(cv);
          const dist = Math.hypot(du, dv);
          const px = clamp(Math.round(qx), 0, w - 1);
          const py = clamp(Math.round(qy), 0, h - 1);
          const amount = plates[(py * w + px) * 4 + j] as number;
          // A dot covering `amount` of the cell; past half coverage the dots merge.
          const radius = Math.sqrt(amount / Math.PI);
          const soft = 0.5 / cell;
          const cover = amount >= 0.98 ? 1 : 1 - smoothstep(radius - soft, radius + soft, dist);
          // Ink lies unevenly: lighter blotches, fibres of the stock.
          const lay = cover * (0.88 + 0.08 * (blotch[p] as number) + 0.06 * (fibres[p] as number));
          const ink = set.inks[j] as Rgb;
          for (let c = 0; c < 3; c++)
            colour[c] = (colour[c] as number) * (1 - lay * (1 - (ink[c] as number) / 255));
        }
        for (let c = 0; c < 3; c++) out[p * 3 + c] = colour[c] as number;
      }
    const rgb = await generator.run(clampRgb(out), w, h);
    return {
      rgb,
      recipe: `inks=${set.name};screen=${cell.toFixed(1)}px@${Math.round((turn * 180) / Math.PI)};levels=${levels};register=${register.toFixed(1)}px`,
    };
  },
};
