/**
 * Seeded randomness for the variation engine. Everything here is integer arithmetic on 32-bit
 * words, so a seed gives the same numbers on every machine and Node version.
 */

/** MurmurHash3's 32-bit finaliser: a bijective avalanche mix of one 32-bit word. */
export function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

const GOLDEN = 0x9e3779b9;

/**
 * The seed of variation `index` (0-based) of a request made with `seed`:
 * `fmix32((seed + (index + 1) * 0x9E3779B9) mod 2^32)`.
 * Variation i of a request does not depend on how many variations were asked for.
 */
export function variationSeed(seed: number, index: number): number {
  return fmix32((seed + Math.imul(index + 1, GOLDEN)) >>> 0);
}

/** A small seeded PRNG (mulberry32) with the helpers the recipes need. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** -1 or +1. */
  sign(): number {
    return this.next() < 0.5 ? -1 : 1;
  }

  /** Approximately normal (sum of four uniforms), mean 0, standard deviation 1. */
  normal(): number {
    return (this.next() + this.next() + this.next() + this.next() - 2) * Math.sqrt(3);
  }

  /**
   * `count` successive normal() values, the same numbers in the same order, with the generator
   * written out in the loop (per-pixel grain calls it hundreds of thousands of times).
   */
  normals(count: number): Float64Array {
    const out = new Float64Array(count);
    let state = this.state;
    const u = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const root3 = Math.sqrt(3);
    for (let i = 0; i < count; i++) out[i] = (u() + u() + u() + u() - 2) * root3;
    this.state = state;
    return out;
  }

  /** A Fisher-Yates shuffled copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }
}
