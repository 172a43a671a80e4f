import sharp from "sharp";
import { ssim } from "ssim.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ModelServer, startModelServer, variationSeed } from "../src/index.ts";
import {
  ErrorSchema,
  type Invocation,
  InvocationSchema,
  jpeg,
  meanAbsDiff,
  png,
  pngClaiming,
  rawOf,
  scene,
  webp,
} from "./images.ts";

let server: ModelServer;
let pingBeforeReady: number;

beforeAll(async () => {
  // One worker and no queue: requests in this file run one at a time, and a second concurrent
  // request must be answered Busy.
  server = await startModelServer({ port: 0, host: "127.0.0.1", workers: 1, maxQueue: 0 });
  pingBeforeReady = (await fetch(`${server.url}/ping`)).status;
  await server.ready;
});

afterAll(async () => {
  await server?.close();
});

async function invoke(
  body: Uint8Array,
  options: { type?: string; attributes?: string; path?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { "content-type": options.type ?? "image/png" };
  if (options.attributes !== undefined)
    headers["x-amzn-sagemaker-custom-attributes"] = options.attributes;
  return fetch(`${server.url}${options.path ?? "/invocations"}`, {
    method: "POST",
    body,
    headers,
  });
}

async function ok(response: Response): Promise<Invocation> {
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/json");
  return InvocationSchema.parse(JSON.parse(text));
}

async function expectError(response: Response, status: number, code: string) {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(ErrorSchema.parse(JSON.parse(text)).code).toBe(code);
  return response;
}

const bytesOf = (v: { data: string }) => Buffer.from(v.data, "base64");

describe("health", () => {
  it("answers /ping 503 until the weights are loaded, then 200", async () => {
    expect(pingBeforeReady).toBe(503);
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
  });
});

describe("invocations contract", () => {
  it("serves /invocations and /endpoints/{name}/invocations with the documented body", async () => {
    const input = await png({ width: 120, height: 90 });
    for (const path of ["/invocations", "/endpoints/artai-model/invocations"]) {
      const body = await ok(
        await invoke(input, { path, attributes: "variations=2;strength=strong;seed=9" }),
      );
      expect(body.variations.map((v) => v.index)).toEqual([0, 1]);
      for (const v of body.variations) {
        const meta = await sharp(bytesOf(v)).metadata();
        expect(meta.format).toBe("webp");
        expect([meta.width, meta.height]).toEqual([v.width, v.height]);
        expect([v.width, v.height]).toEqual([120, 90]);
      }
      expect(body.timings.totalMs).toBeGreaterThanOrEqual(body.timings.modelMs);
    }
  });

  it("defaults to 4 subtle variations with seed 0, each seeded by variationSeed(seed, i)", async () => {
    const input = await png({ width: 64, height: 48 });
    const body = await ok(await invoke(input));
    expect(body.variations).toHaveLength(4);
    expect(body.variations.map((v) => v.seed)).toEqual(
      [0, 1, 2, 3].map((i) => variationSeed(0, i)),
    );
    expect(new Set(body.variations.map((v) => v.seed)).size).toBe(4);
    const explicit = await ok(
      await invoke(input, { attributes: "variations=4;strength=subtle;seed=0" }),
    );
    expect(explicit.variations.map((v) => v.data)).toEqual(body.variations.map((v) => v.data));
  });

  it("accepts PNG, JPEG and WebP, sniffed from the bytes", async () => {
    const o = { width: 80, height: 60 };
    for (const [type, bytes] of [
      ["image/png", await png(o)],
      ["image/jpeg", await jpeg(o)],
      ["image/webp", await webp(o)],
      // A JPEG labelled PNG is decoded as what it is.
      ["image/png", await jpeg(o)],
    ] as const) {
      const body = await ok(await invoke(bytes, { type, attributes: "variations=1" }));
      expect(body.variations).toHaveLength(1);
    }
  });

  it("caps the long side at 1024 px, keeps the aspect ratio and stays under 6 MB", async () => {
    const input = await png({ width: 1200, height: 800 });
    const response = await invoke(input, { attributes: "variations=1;strength=strong" });
    expect(Number(response.headers.get("content-length"))).toBeLessThanOrEqual(6 * 1024 * 1024);
    const body = await ok(response);
    const v = body.variations[0];
    expect([v?.width, v?.height]).toEqual([1024, 683]);
    const meta = await sharp(bytesOf(v as { data: string })).metadata();
    expect([meta.width, meta.height]).toEqual([1024, 683]);
  });

  it("keeps odd aspect ratios exactly (to the pixel)", async () => {
    for (const [w, h] of [
      [97, 31],
      [33, 150],
    ] as const) {
      const body = await ok(
        await invoke(await png({ width: w, height: h }), { attributes: "variations=1" }),
      );
      const meta = await sharp(bytesOf(body.variations[0] as { data: string })).metadata();
      expect([meta.width, meta.height]).toEqual([w, h]);
    }
  });
});

describe("what a variation is", () => {
  const W = 160;
  const H = 120;
  let input: Buffer;
  let inputRaw: Buffer;
  let flippedRaw: Buffer;
  const results: Record<string, Invocation> = {};

  beforeAll(async () => {
    input = await png({ width: W, height: H });
    inputRaw = await scene({ width: W, height: H }).raw().toBuffer();
    flippedRaw = await scene({ width: W, height: H }).flop().raw().toBuffer();
    for (const strength of ["subtle", "strong"])
      results[strength] = await ok(
        await invoke(input, { attributes: `variations=4;strength=${strength};seed=42` }),
      );
  });

  const lumaSsim = async (a: Buffer, b: Buffer) => {
    const toImage = async (raw: Buffer) => {
      const grey = await sharp(raw, { raw: { width: W, height: H, channels: 3 } })
        .ensureAlpha()
        .raw()
        .toBuffer();
      return { data: new Uint8ClampedArray(grey), width: W, height: H };
    };
    return ssim(await toImage(a), await toImage(b)).mssim;
  };

  it("gives N variations that differ from each other and from the input", async () => {
    for (const strength of ["subtle", "strong"]) {
      const raws = await Promise.all(
        (results[strength]?.variations ?? []).map((v) => rawOf(bytesOf(v), W, H)),
      );
      expect(raws).toHaveLength(4);
      for (let i = 0; i < raws.length; i++) {
        expect(meanAbsDiff(raws[i] as Buffer, inputRaw)).toBeGreaterThan(1);
        for (let j = i + 1; j < raws.length; j++)
          expect(meanAbsDiff(raws[i] as Buffer, raws[j] as Buffer)).toBeGreaterThan(1);
      }
    }
  });

  it("keeps the composition: each variation is closer to its input than to the mirrored input", async () => {
    for (const strength of ["subtle", "strong"]) {
      for (const v of results[strength]?.variations ?? []) {
        const raw = await rawOf(bytesOf(v), W, H);
        expect(await lumaSsim(raw, inputRaw)).toBeGreaterThan(await lumaSsim(raw, flippedRaw));
      }
    }
  });

  it('departs further from the input with "strong" than with "subtle"', async () => {
    const departure = async (strength: string) => {
      let sum = 0;
      for (const v of results[strength]?.variations ?? [])
        sum += 1 - (await lumaSsim(await rawOf(bytesOf(v), W, H), inputRaw));
      return sum;
    };
    expect(await departure("strong")).toBeGreaterThan(await departure("subtle"));
  });

  it("gives byte-identical output for the same input, options and seed, and new output for a new seed", async () => {
    const again = await ok(
      await invoke(input, { attributes: "strength=strong;seed=42;variations=4" }),
    );
    expect(again.variations.map((v) => v.data)).toEqual(
      results.strong?.variations.map((v) => v.data),
    );
    expect(again.variations.map((v) => v.recipe)).toEqual(
      results.strong?.variations.map((v) => v.recipe),
    );
    const other = await ok(
      await invoke(input, { attributes: "strength=strong;seed=43;variations=4" }),
    );
    for (let i = 0; i < 4; i++)
      expect(other.variations[i]?.data).not.toBe(results.strong?.variations[i]?.data);
    // Variation i does not depend on how many were asked for.
    const one = await ok(
      await invoke(input, { attributes: "strength=strong;seed=42;variations=1" }),
    );
    expect(one.variations[0]?.data).toBe(results.strong?.variations[0]?.data);
  });

  it("never carries EXIF or GPS metadata into the output, and applies the EXIF orientation", async () => {
    const tagged = await scene({ width: 96, height: 64 })
      .jpeg()
      .withExif({
        IFD0: { Copyright: "ArtAI test owner" },
        IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" },
      })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const inputMeta = await sharp(tagged).metadata();
    expect(inputMeta.exif).toBeDefined();
    expect(inputMeta.orientation).toBe(6);
    const body = await ok(await invoke(tagged, { type: "image/jpeg", attributes: "variations=2" }));
    for (const v of body.variations) {
      const bytes = bytesOf(v);
      const meta = await sharp(bytes).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(bytes.includes("ArtAI test owner")).toBe(false);
      expect(bytes.includes("EXIF")).toBe(false);
      // Orientation 6 means the stored 96x64 image is shown rotated: 64x96.
      expect([meta.width, meta.height]).toEqual([64, 96]);
    }
  });

  it("keeps alpha: transparent input stays transparent", async () => {
    const input = await png({ width: 96, height: 64, alpha: true });
    const body = await ok(await invoke(input, { attributes: "variations=2;strength=strong" }));
    for (const v of body.variations) {
      const { data, info } = await sharp(bytesOf(v))
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      expect(info.channels).toBe(4);
      const alphaAt = (x: number, y: number) => data[(y * info.width + x) * 4 + 3] as number;
      expect(alphaAt(10, 32)).toBeGreaterThan(200); // left half opaque
      expect(alphaAt(86, 32)).toBeLessThan(50); // right half transparent
    }
  });

  it("handles greyscale input and returns greyscale variations", async () => {
    const grey = await sharp(await scene({ width: 96, height: 64, grey: true }).raw().toBuffer(), {
      raw: { width: 96, height: 64, channels: 3 },
    })
      .toColourspace("b-w")
      .png()
      .toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const body = await ok(await invoke(grey, { attributes: "variations=2;strength=strong" }));
    for (const v of body.variations) {
      const { data } = await sharp(bytesOf(v)).raw().toBuffer({ resolveWithObject: true });
      let maxSpread = 0;
      for (let p = 0; p < data.length; p += 3) {
        const r = data[p] as number;
        const g = data[p + 1] as number;
        const b = data[p + 2] as number;
        maxSpread = Math.max(maxSpread, Math.max(r, g, b) - Math.min(r, g, b));
      }
      expect(maxSpread).toBeLessThanOrEqual(6); // lossy WebP chroma, nothing more
    }
  });
});

describe("errors", () => {
  it("415 UnsupportedFormat for another Content-Type, or bytes that are not PNG/JPEG/WebP", async () => {
    const gif = await scene({ width: 16, height: 16 }).gif().toBuffer();
    await expectError(await invoke(gif, { type: "image/gif" }), 415, "UnsupportedFormat");
    await expectError(await invoke(gif, { type: "image/png" }), 415, "UnsupportedFormat");
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await expectError(await invoke(svg, { type: "image/png" }), 415, "UnsupportedFormat");
  });

  it("400 CorruptImage for truncated or empty images", async () => {
    const whole = await png({ width: 64, height: 64 });
    await expectError(await invoke(whole.subarray(0, 100)), 400, "CorruptImage");
    const wholeJpeg = await jpeg({ width: 64, height: 64 });
    await expectError(
      await invoke(wholeJpeg.subarray(0, wholeJpeg.length / 2), { type: "image/jpeg" }),
      400,
      "CorruptImage",
    );
    await expectError(await invoke(new Uint8Array(0)), 400, "CorruptImage");
  });

  it("413 ImageTooLarge for a body over 6 MiB", async () => {
    const big = Buffer.alloc(6 * 1024 * 1024 + 1);
    big.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await expectError(await invoke(big), 413, "ImageTooLarge");
  });

  it("400 TooManyPixels when the header claims more than 4096x4096, before decoding", async () => {
    await expectError(await invoke(await pngClaiming(5000, 5000)), 400, "TooManyPixels");
    await expectError(await invoke(await pngClaiming(4097, 4096)), 400, "TooManyPixels");
  });

  it("400 InvalidOptions for bad custom attributes", async () => {
    const input = await png({ width: 32, height: 32 });
    for (const attributes of [
      "variations=5",
      "variations=0",
      "strength=wild",
      "seed=-1",
      "seed=4294967296",
      "seed=1.5",
      "colour=red",
      "seed=1;seed=2",
      "variations",
    ]) {
      const response = await invoke(input, { attributes });
      const text = await response.text();
      expect(response.status, attributes).toBe(400);
      expect(JSON.parse(text).code, attributes).toBe("InvalidOptions");
    }
  });

  it("503 Busy with Retry-After beyond the concurrency bound, and recovers after", async () => {
    const input = await png({ width: 400, height: 300 });
    const [first, second] = await Promise.all([
      invoke(input, { attributes: "variations=4;strength=strong" }),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return invoke(input, { attributes: "variations=1" });
      })(),
    ]);
    await ok(first);
    await expectError(second, 503, "Busy");
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    await ok(await invoke(input, { attributes: "variations=1" }));
  });

  it("404 for unknown routes and 405 for the wrong method", async () => {
    await expectError(await fetch(`${server.url}/nope`), 404, "NotFound");
    await expectError(await fetch(`${server.url}/invocations`), 405, "MethodNotAllowed");
  });
});
