/**
 * Oil paint: the photo repainted in three layers of brush strokes, coarse to fine (after
 * Hertzmann's "Painterly rendering with curved brush strokes of multiple sizes", 1998). Each
 * stroke follows the structure tensor's orientation, so strokes run along the image's edges; each
 * carries bristle streaks and a height that lights it like impasto. The generator then restores
 * the painted low-resolution canvas, and the crisp stroke edges and ridges it invents are the
 * paint's texture.
 */
import { blur, clamp, clampRgb, flowField, luma, sample } from "./raster.ts";
import type { ArtStyle, StyleContext } from "./style.ts";

interface Stroke {
  r: number;
  colour: [number, number, number];
  points: number[];
  bristles: Float32Array;
}

export const oil: ArtStyle = {
  id: "oil",
  name: "Oil paint",
  description: "Thick brush strokes that follow the picture's shapes, with lit ridges of paint.",
  async render({ input, rng, generator, w, h, u, strong }: StyleContext) {
    // The variation's own brush: a little larger or smaller, strokes longer or shorter.
    const size = rng.range(0.85, 1.2) * (strong ? 1.45 : 1);
    const radii = [3.4, 2.1, 1.3].map((r) => r * size * u);
    const maxLength = rng.range(3, 5.5) * (strong ? 1.3 : 1);
    const saturation = rng.range(1.1, 1.3) + (strong ? 0.15 : 0);
    const lightAngle = rng.range(0, 2 * Math.PI);

    // Painters push colour: more chroma around each pixel's own luma.
    const src = input.rgb.slice();
    const lum0 = luma(src);
    for (let p = 0; p < w * h; p++)
      for (let k = 0; k < 3; k++) {
        const l = lum0[p] as number;
        src[p * 3 + k] = clamp(l + ((src[p * 3 + k] as number) - l) * saturation, 0, 255);
      }
    const flow = flowField(lum0, w, h, 2.5 * u);

    // The ground: the picture blurred far, so gaps between the first strokes read as underpainting.
    const canvas = blur(src, w, h, 3, 5 * u);
    const height = new Float32Array(w * h);
    let strokes = 0;

    for (const [layer, r] of radii.entries()) {
      const ref = blur(src, w, h, 3, Math.max(0.4, r * 0.6));
      const list: Stroke[] = [];
      const step = Math.max(0.9, r * 1.05);
      for (let gy = 0; gy < h; gy += step)
        for (let gx = 0; gx < w; gx += step) {
          const x = gx + rng.range(0, step);
          const y = gy + rng.range(0, step);
          let error = 0;
          for (let k = 0; k < 3; k++)
            error += Math.abs(sample(canvas, w, h, 3, k, x, y) - sample(ref, w, h, 3, k, x, y));
          if (layer > 0 && error < (layer === 1 ? 24 : 36)) continue;
          const jitter = 1 + rng.range(-0.07, 0.07);
          const colour: [number, number, number] = [0, 0, 0];
          for (let k = 0; k < 3; k++)
            colour[k] = sample(ref, w, h, 3, k, x, y) * jitter + rng.range(-5, 5);
          // Follow the flow both ways from the seed point until the colour under the brush changes.
          const points = [x, y];
          for (const direction of [1, -1]) {
            let px = x;
            let py = y;
            let lastX = 0;
            let lastY = 0;
            const steps = Math.round(maxLength * (layer === 0 ? 1.2 : 1));
            for (let s = 0; s < steps; s++) {
              const q = clamp(Math.round(py), 0, h - 1) * w + clamp(Math.round(px), 0, w - 1);
              let dx = (flow.tx[q] as number) * direction;
              let dy = (flow.ty[q] as number) * direction;
              if (s > 0 && dx * lastX + dy * lastY < 0) {
                dx = -dx;
                dy = -dy;
              }
              lastX = dx;
              lastY = dy;
              px += dx * r;
              py += dy * r;
              if (px < -r || py < -r || px > w + r || py > h + r) break;
              let diff = 0;
              for (let k = 0; k < 3; k++)
                diff += Math.abs(sample(ref, w, h, 3, k, px, py) - (colour[k] as number));
              if (s > 1 && diff > 60) break;
              if (direction === 1) points.push(px, py);
              else points.unshift(px, py);
            }
          }
          const bristles = new Float32Array(9);
          for (let i = 0; i < bristles.length; i++) bristles[i] = rng.range(-1, 1);
          list.push({ r, colour, points, bristles });
        }
      // Strokes of one layer go down in a seeded order, so none is systematically on top.
      for (const stroke of rng.shuffle(list)) paint(stroke, canvas, height, w, h);
      strokes += list.length;
    }

    // Impasto: light the paint's height field from one side.
    const lx = Math.cos(lightAngle);
    const ly = Math.sin(lightAngle);
    const relief = strong ? 0.55 : 0.4;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const p = y * w + x;
        const hx =
          (height[y * w + Math.min(x + 1, w - 1)] as number) -
          (height[y * w + Math.max(x - 1, 0)] as number);
        const hy =
          (height[Math.min(y + 1, h - 1) * w + x] as number) -
          (height[Math.max(y - 1, 0) * w + x] as number);
        const shade = 1 + relief * (hx * lx + hy * ly);
        for (let k = 0; k < 3; k++) canvas[p * 3 + k] = (canvas[p * 3 + k] as number) * shade;
      }
    const rgb = await generator.run(clampRgb(canvas), w, h);
    return {
      rgb,
      recipe: `brush=${(radii[0] ?? 0).toFixed(1)}/${(radii[2] ?? 0).toFixed(1)}px;strokes=${strokes};stroke-length=${maxLength.toFixed(1)};saturation=${saturation.toFixed(2)};light=${Math.round((lightAngle * 180) / Math.PI)}`,
    };
  },
};

/** Lays one stroke as a chain of soft discs, with bristle streaks across its width. */
function paint(stroke: Stroke, canvas: Float32Array, height: Float32Array, w: number, h: number) {
  const { r, colour, points, bristles } = stroke;
  const n = points.length / 2;
  const nb = bristles.length;
  for (let i = 0; i < n; i++) {
    const cx = points[i * 2] as number;
    const cy = points[i * 2 + 1] as number;
    // The stroke's local direction, for the across-the-stroke coordinate of the bristles.
    const j = Math.min(n - 1, i + 1);
    const k0 = Math.max(0, i - 1);
    let dx = (points[j * 2] as number) - (points[k0 * 2] as number);
    let dy = (points[j * 2 + 1] as number) - (points[k0 * 2 + 1] as number);
    const len = Math.hypot(dx, dy) || 1;
    dx /= len;
    dy /= len;
    // Paint thins towards the end of the stroke.
    const load = 1 - 0.35 * (i / Math.max(1, n - 1));
    const x0 = Math.max(0, Math.floor(cx - r - 1));
    const x1 = Math.min(w - 1, Math.ceil(cx + r + 1));
    const y0 = Math.max(0, Math.floor(cy - r - 1));
    const y1 = Math.min(h - 1, Math.ceil(cy + r + 1));
    const outer = (r + 0.5) * (r + 0.5);
    const rim = 0.75 + 0.25 * load;
    const inv = 1 / r;
    for (let y = y0; y <= y1; y++) {
      const oy = y - cy;
      for (let x = x0; x <= x1; x++) {
        const ox = x - cx;
        const d2 = ox * ox + oy * oy;
        if (d2 >= outer) continue;
        const edge = r + 0.5 - Math.sqrt(d2);
        const a = Math.min(edge, 1) * rim;
        const across = (-ox * dy + oy * dx) * inv;
        const bi = ((across + 1) * 0.5 * nb) | 0;
        const b = bristles[bi < 0 ? 0 : bi >= nb ? nb - 1 : bi] as number;
        const tone = (1 + 0.09 * b) * a;
        const p = y * w + x;
        const keep = 1 - a;
        canvas[p * 3] = (canvas[p * 3] as number) * keep + (colour[0] as number) * tone;
        canvas[p * 3 + 1] = (canvas[p * 3 + 1] as number) * keep + (colour[1] as number) * tone;
        canvas[p * 3 + 2] = (canvas[p * 3 + 2] as number) * keep + (colour[2] as number) * tone;
        // Ridges at the bristles and at the stroke's rim.
        const side = across < 0 ? -across : across;
        const ridge = 0.5 + 0.35 * b + 0.3 * (side > 1 ? 1 : side * side * side * side);
        height[p] = (height[p] as number) * keep + ridge * load * a;
      }
    }
  }
}
