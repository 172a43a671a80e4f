import { Rng, variationSeed } from "./random.ts";

export type Strength = "subtle" | "strong";
export type Rgb = readonly [number, number, number];

/** A colour grade applied at low resolution, before the generator re-synthesises detail. */
export interface Grade {
  /** Warm (+) or cool (-) white balance, about -1..1. */
  temperature: number;
  /** Magenta (+) or green (-) tint, about -1..1. */
  tint: number;
  /** Exposure in stops. */
  exposure: number;
  /** Contrast around mid-grey; 1 keeps it. */
  contrast: number;
  /** Chroma gain; 1 keeps it. */
  saturation: number;
  /** Hue rotation in degrees. */
  hue: number;
  /** Lifted blacks, in 0..255 units. */
  fade: number;
  /** Colour added to the shadows and to the highlights, in 0..255 units. */
  shadows: Rgb;
  highlights: Rgb;
  /** Directional relighting: brightness gain across the frame, and where the light comes from. */
  light: number;
  lightAngle: number;
  /** Darkening towards the corners, 0..1. */
  vignette: number;
}

/** Everything that makes one variation; a pure function of (seed, index, strength). */
export interface Recipe {
  seed: number;
  strength: Strength;
  look: string;
  /** Smooth displacement field: peak amplitude as a fraction of the long side, and its grid size. */
  warp: number;
  warpCells: number;
  /** Extra down-sampling factor before the generator (1 = none); more means more re-synthesis. */
  redetail: number;
  /** Standard deviation of the seeded grain added at low resolution, in 0..255 units. */
  grain: number;
  /** How much of the input's own finest detail (warped alike) is laid over the generator's output. */
  detail: number;
  grade: Grade;
}

type LookGrade = Partial<Omit<Grade, "lightAngle">>;

/** Named looks at full ("strong") intensity; "subtle" uses a fraction of each. */
const LOOKS: Record<string, LookGrade> = {
  "golden-hour": {
    temperature: 0.6,
    tint: 0.05,
    exposure: 0.1,
    contrast: 1.08,
    saturation: 1.15,
    hue: 4,
    highlights: [18, 8, -10],
    shadows: [4, 0, -6],
    light: 0.3,
  },
  "blue-hour": {
    temperature: -0.55,
    exposure: -0.2,
    hue: -6,
    saturation: 0.95,
    shadows: [-6, 0, 14],
    highlights: [0, 4, 10],
    vignette: 0.3,
  },
  "faded-film": {
    contrast: 0.82,
    fade: 22,
    saturation: 0.8,
    highlights: [8, 6, 0],
    shadows: [0, 6, 8],
  },
  vivid: { saturation: 1.45, contrast: 1.18, exposure: 0.05, light: 0.15 },
  "teal-orange": {
    shadows: [-10, 6, 14],
    highlights: [16, 6, -10],
    saturation: 1.1,
    contrast: 1.1,
  },
  pastel: { exposure: 0.25, contrast: 0.8, saturation: 0.75, fade: 14, tint: 0.1 },
  verdant: { hue: 14, saturation: 1.2, temperature: 0.1, tint: -0.2, light: 0.2 },
  "dusk-rose": {
    hue: -12,
    tint: 0.3,
    temperature: 0.2,
    highlights: [14, 0, 8],
    vignette: 0.25,
    exposure: -0.1,
  },
  muted: { saturation: 0.55, contrast: 1.15, vignette: 0.2 },
};

export const LOOK_NAMES = Object.keys(LOOKS);

/** Fraction of each look's offsets that is applied at each strength. */
const INTENSITY: Record<Strength, number> = { subtle: 0.4, strong: 1 };

type Ranged = "warp" | "warpCells" | "redetail" | "grain" | "detail";

/** The range each seeded parameter of a recipe is drawn from, at each strength. */
const RANGES: Record<Ranged, Record<Strength, [number, number]>> = {
  warp: { subtle: [0.003, 0.006], strong: [0.012, 0.02] },
  warpCells: { subtle: [3, 4], strong: [3, 5] },
  redetail: { subtle: [1, 1.02], strong: [1.04, 1.12] },
  grain: { subtle: [0.5, 1], strong: [1, 2] },
  detail: { subtle: [0.55, 0.7], strong: [0.15, 0.3] },
};

const NEUTRAL: Grade = {
  temperature: 0,
  tint: 0,
  exposure: 0,
  contrast: 1,
  saturation: 1,
  hue: 0,
  fade: 0,
  shadows: [0, 0, 0],
  highlights: [0, 0, 0],
  light: 0,
  lightAngle: 0,
  vignette: 0,
};

/**
 * The recipe of variation `index` of a request made with `seed`. The look is the request's own
 * shuffle of the named looks at position `index`, so the variations of one request never share a
 * look, and variation i is the same whether 1 or 4 were asked for.
 */
export function makeRecipe(seed: number, index: number, strength: Strength): Recipe {
  const looks = new Rng(seed).shuffle(LOOK_NAMES);
  const look = looks[index % looks.length] as string;
  const own = variationSeed(seed, index);
  const rng = new Rng(own);
  const range = (key: Ranged) => RANGES[key][strength];
  const target = LOOKS[look] ?? {};
  const k = INTENSITY[strength];
  const jitter = () => rng.range(0.75, 1.25);
  const offset = (
    key: "temperature" | "tint" | "exposure" | "hue" | "fade" | "light" | "vignette",
  ) => (target[key] ?? 0) * k * jitter();
  const gain = (key: "contrast" | "saturation") => 1 + ((target[key] ?? 1) - 1) * k * jitter();
  const tone = (rgb: Rgb | undefined): Rgb => {
    const j = k * jitter();
    return [(rgb?.[0] ?? 0) * j, (rgb?.[1] ?? 0) * j, (rgb?.[2] ?? 0) * j];
  };
  const grade: Grade = {
    ...NEUTRAL,
    temperature: offset("temperature"),
    tint: offset("tint"),
    exposure: offset("exposure"),
    contrast: gain("contrast"),
    saturation: gain("saturation"),
    hue: offset("hue"),
    fade: offset("fade"),
    shadows: tone(target.shadows),
    highlights: tone(target.highlights),
    // Every look gets a little seeded relighting so that two variations never share their light.
    light: offset("light") + rng.range(0.04, 0.1) * k * 2,
    lightAngle: rng.range(0, 360),
    vignette: offset("vignette"),
  };
  const [fewestCells, mostCells] = range("warpCells");
  return {
    seed: own,
    strength,
    look,
    warp: rng.range(...range("warp")),
    warpCells: Math.floor(rng.range(fewestCells, mostCells + 1)),
    redetail: rng.range(...range("redetail")),
    grain: rng.range(...range("grain")),
    grade,
    detail: rng.range(...range("detail")),
  };
}

const f = (n: number, digits = 2) => (n >= 0 ? "+" : "") + n.toFixed(digits);

/** A compact, stable, human-readable description of a recipe, returned with each variation. */
export function describeRecipe(recipe: Recipe, generator: string): string {
  const g = recipe.grade;
  return [
    `look=${recipe.look}`,
    `warp=${(recipe.warp * 100).toFixed(2)}%/${recipe.warpCells}`,
    `redetail=${recipe.redetail.toFixed(2)}`,
    `grain=${recipe.grain.toFixed(1)}`,
    `detail=${recipe.detail.toFixed(2)}`,
    `temp=${f(g.temperature)}`,
    `tint=${f(g.tint)}`,
    `exp=${f(g.exposure)}`,
    `contrast=${g.contrast.toFixed(2)}`,
    `sat=${g.saturation.toFixed(2)}`,
    `hue=${f(g.hue, 1)}`,
    `fade=${g.fade.toFixed(1)}`,
    `light=${g.light.toFixed(2)}@${Math.round(g.lightAngle)}`,
    `vignette=${g.vignette.toFixed(2)}`,
    `generator=${generator}`,
  ].join(";");
}
