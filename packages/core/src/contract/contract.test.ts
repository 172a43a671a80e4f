import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const dir = fileURLToPath(new URL(".", import.meta.url));
const entry = fileURLToPath(new URL("./index.ts", import.meta.url));
const sources = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));

// The web app bundles this module into the page, so it must stand alone: no AWS SDK, ElectroDB,
// `sst` or `node:` module, nor any other file of core that might bring one in. Its own files
// (`./alarms.ts`, …) may re-export one another.
describe("the contract", () => {
  it("imports nothing, and re-exports only its own files", () => {
    for (const file of sources) {
      const source = readFileSync(`${dir}/${file}`, "utf8");
      expect(source, file).not.toMatch(/^\s*import\s/m);
      expect(source, file).not.toMatch(/\brequire\s*\(|\bimport\s*\(/);
      for (const [, from] of source.matchAll(/^\s*export\s[^;]*?\sfrom\s+"([^"]+)"/gm)) {
        expect(from, file).toMatch(/^\.\/[\w-]+\.ts$/);
      }
    }
  });

  it("bundles for the browser without pulling in a module from outside its folder", async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.length).toBeGreaterThan(0);
    for (const input of inputs) expect(input).toMatch(/(^|\/)src\/contract\/[\w-]+\.ts$/);
  });
});
