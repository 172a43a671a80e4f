import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const entry = fileURLToPath(new URL("./index.ts", import.meta.url));

// The web app bundles this module into the page, so it must stand alone: no AWS SDK, ElectroDB,
// `sst` or `node:` module, nor any other file of core that might bring one in.
describe("the contract", () => {
  it("has no import or require in its source", () => {
    const source = readFileSync(entry, "utf8");
    expect(source).not.toMatch(/^\s*import\s/m);
    expect(source).not.toMatch(/^\s*export\s+(\*|\{[^}]*\}|type\s+\{[^}]*\})\s+from\s/m);
    expect(source).not.toMatch(/\brequire\s*\(|\bimport\s*\(/);
  });

  it("bundles for the browser without pulling in a single other module", async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    expect(Object.keys(result.metafile.inputs)).toEqual([
      expect.stringMatching(/contract\/index\.ts$/),
    ]);
  });
});
