/**
 * The styles, through the real server and the real generator: every medium moves the texture
 * further from the input's than the photo style does, keeps the composition and the aspect ratio,
 * is deterministic, and honours alpha and greyscale.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composition, textureDistance } from "../scripts/metrics.ts";
import { type ModelServer, STYLES, startModelServer } from "../src/index.ts";
import { type Invocation, invokePng, png, scene } from "./images.ts";

let server: ModelServer;

beforeAll(async () => {
  server = await startModelServer({ port: 0, host: "127.0.0.1", workers: 1, maxQueue: 4 });
  await server.ready;
});

afterAll(async () => {
  await server?.close();
});

const invoke = (body: Buffer, attributes: string): Promise<Invocation> =>
  invokePng(server.url, body, attributes);

const bytesOf = (v: { data: string }) => Buffer.from(v.data, "base64");
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const MEDIA = STYLES.map((s) => s.id).filter((id) => id !== "photo" && id !== "surprise");

describe("styles", () => {
  const W = 300;
  const H = 200;
  let input: Buffer;
  let mirrored: Buffer;
  const subtle: Record<string, Invocation> = {};
  const strong: Record<string, Invocation> = {};

  beforeAll(async () => {
    input = await png({ width: W, height: H });
    mirrored = await scene({ width: W, height: H }).flop().png().toBuffer();
    for (const { id } of STYLES) {
      if (id === "surprise") continue;
      subtle[id] = await invoke(input, `variations=2;strength=subtle;seed=7;style=${id}`);
      if (id !== "photo")
        strong[id] = await invoke(input, `variations=2;strength=strong;seed=7;style=${id}`);
    }
  }, 180_000);

  it("offers photo, at least four media, and surprise", () => {
    expect(MEDIA.length).toBeGreaterThanOrEqual(4);
    expect(STYLES[0]?.id).toBe("photo");
    for (const style of STYLES) expect(style.description.length).toBeGreaterThan(10);
  });

  it("moves every medium's texture further from the input's than the photo style does", async () => {
    const distances = async (result: Invocation | undefined) =>
      Promise.all((result?.variations ?? []).map((v) => textureDistance(input, bytesOf(v))));
    const photo = Math.max(...(await distances(subtle.photo)));
    for (const id of MEDIA) {
      for (const result of [subtle[id], strong[id]]) {
        const ds = await distances(result);
        expect(ds).toHaveLength(2);
        // Each variation on its own, not only on average.
        for (const d of ds)
          expect(d, `${id}: ${ds.join(", ")} vs photo ${photo}`).toBeGreaterThan(photo);
      }
    }
  });

  it("keeps the composition and the aspect ratio in every style", async () => {
    for (const [id, result] of [...Object.entries(subtle), ...Object.entries(strong)]) {
      for (const v of result.variations) {
        expect([v.width, v.height]).toEqual([W, H]);
        const own = await composition(input, bytesOf(v));
        const flipped = await composition(mirrored, bytesOf(v));
        expect(own, id).toBeGreaterThan(0.6);
        expect(own, id).toBeGreaterThan(flipped);
      }
    }
  });

  it("names the style in each variation's recipe and gives variations that differ", async () => {
    for (const id of MEDIA) {
      const [a, b] = subtle[id]?.variations ?? [];
      expect(a?.recipe).toMatch(new RegExp(`^style=${id};`));
      expect(a?.data).not.toBe(b?.data);
    }
  });

  it("is deterministic: the same request gives the same bytes, whatever the count asked for", async () => {
    for (const id of MEDIA) {
      const again = await invoke(input, `variations=1;strength=subtle;seed=7;style=${id}`);
      expect(again.variations[0]?.data, id).toBe(subtle[id]?.variations[0]?.data);
    }
    const other = await invoke(input, "variations=1;strength=subtle;seed=8;style=oil");
    expect(other.variations[0]?.data).not.toBe(subtle.oil?.variations[0]?.data);
  });

  it("surprise gives each variation a different medium", async () => {
    const result = await invoke(input, "variations=4;strength=subtle;seed=11;style=surprise");
    const media = result.variations.map((v) => /^style=([^;]+)/.exec(v.recipe)?.[1]);
    expect(new Set(media).size).toBe(4);
    for (const m of media) expect(MEDIA).toContain(m);
  });

  it("keeps alpha and greyscale in a medium", async () => {
    const transparent = await png({ width: 120, height: 80, alpha: true });
    const [withAlpha] = (await invoke(transparent, "variations=1;style=watercolour")).variations;
    const { data, info } = await sharp(bytesOf(withAlpha ?? { data: "" }))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[3 + 4 * 5]).toBe(255); // left half opaque
    expect(data[4 * (info.width - 5) + 3]).toBeLessThan(10); // right half transparent

    const grey = await scene({ width: 120, height: 80, grey: true })
      .toColourspace("b-w")
      .png()
      .toBuffer();
    const [greyOut] = (await invoke(grey, "variations=1;style=print")).variations;
    const rgb = await sharp(bytesOf(greyOut ?? { data: "" }))
      .removeAlpha()
      .raw()
      .toBuffer();
    let spread = 0;
    for (let p = 0; p < rgb.length; p += 3)
      spread = Math.max(spread, Math.abs((rgb[p] as number) - (rgb[p + 2] as number)));
    expect(spread).toBeLessThan(8);
  });

  it("strays further from the photo with strong than with subtle, in every medium", async () => {
    // Strength is departure from the photo: the layout itself (luma at 16 px) moves more.
    const layout = async (result: Invocation | undefined) =>
      mean(
        await Promise.all((result?.variations ?? []).map((v) => composition(input, bytesOf(v)))),
      );
    for (const id of MEDIA)
      expect(await layout(strong[id]), id).toBeLessThan(await layout(subtle[id]));
  });
});
