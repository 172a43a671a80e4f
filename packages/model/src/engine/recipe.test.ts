import { describe, expect, it } from "vitest";
import { fmix32, variationSeed } from "./random.ts";
import { describeRecipe, LOOK_NAMES, makeRecipe } from "./recipe.ts";

describe("variation seeds", () => {
  it("follow the documented formula fmix32(seed + (i+1) * 0x9E3779B9 mod 2^32)", () => {
    for (const seed of [0, 1, 123, 0xffffffff])
      for (const i of [0, 1, 2, 3])
        expect(variationSeed(seed, i)).toBe(
          fmix32(Number((BigInt(seed) + BigInt(i + 1) * 0x9e3779b9n) % 2n ** 32n)),
        );
  });

  it("are distinct unsigned 32-bit integers", () => {
    const seeds = [0, 1, 2, 3].map((i) => variationSeed(7, i));
    expect(new Set(seeds).size).toBe(4);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s <= 0xffffffff).toBe(true);
  });
});

describe("recipes", () => {
  it("are a pure function of (seed, index, strength)", () => {
    expect(makeRecipe(99, 2, "strong")).toEqual(makeRecipe(99, 2, "strong"));
    expect(makeRecipe(99, 2, "strong")).not.toEqual(makeRecipe(100, 2, "strong"));
  });

  it("never repeat a look within one request", () => {
    for (const seed of [0, 1, 2, 3, 4, 5]) {
      const looks = [0, 1, 2, 3].map((i) => makeRecipe(seed, i, "subtle").look);
      expect(new Set(looks).size).toBe(4);
      for (const look of looks) expect(LOOK_NAMES).toContain(look);
    }
  });

  it('push every perturbation further for "strong" than for "subtle"', () => {
    for (const seed of [0, 11, 222]) {
      for (const i of [0, 1, 2, 3]) {
        const subtle = makeRecipe(seed, i, "subtle");
        const strong = makeRecipe(seed, i, "strong");
        expect(strong.look).toBe(subtle.look);
        expect(strong.warp).toBeGreaterThan(subtle.warp);
        expect(strong.redetail).toBeGreaterThan(subtle.redetail);
        expect(strong.grain).toBeGreaterThan(subtle.grain);
      }
    }
  });

  it("describe themselves in a stable key=value form", () => {
    const text = describeRecipe(makeRecipe(5, 0, "strong"), "esrgan-slim-x4");
    expect(text).toMatch(/^look=[a-z-]+;warp=[\d.]+%\/\d;redetail=[\d.]+;/);
    expect(text).toContain("generator=esrgan-slim-x4");
  });
});
