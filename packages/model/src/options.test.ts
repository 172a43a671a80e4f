import { describe, expect, it } from "vitest";
import { STYLE_IDS } from "./engine/styles/index.ts";
import { ModelError } from "./errors.ts";
import { parseOptions } from "./options.ts";

describe("parseOptions", () => {
  it("applies the defaults: 4 subtle photo variations, seed 0", () => {
    const defaults = { variations: 4, strength: "subtle", seed: 0, style: "photo" };
    expect(parseOptions(undefined)).toEqual(defaults);
    expect(parseOptions("")).toEqual(defaults);
  });

  it("reads every option, in any order, with spaces", () => {
    expect(
      parseOptions(" seed=4294967295 ; strength=strong;variations=1 ; style = watercolour"),
    ).toEqual({ variations: 1, strength: "strong", seed: 4294967295, style: "watercolour" });
  });

  it("accepts every style of the registry, and surprise", () => {
    for (const style of STYLE_IDS) expect(parseOptions(`style=${style}`).style).toBe(style);
    expect(STYLE_IDS).toEqual(expect.arrayContaining(["photo", "surprise"]));
    expect(STYLE_IDS.length).toBeGreaterThanOrEqual(6);
  });

  it.each([
    ["variations=5", "variations"],
    ["variations=0", "variations"],
    ["variations=two", "variations"],
    ["strength=medium", "strength"],
    ["seed=-1", "seed"],
    ["seed=4294967296", "seed"],
    ["seed=0x10", "seed"],
    ["seed=", "seed"],
    ["style=cubism", "style"],
    ["style=", "style"],
    ["style=Oil", "style"],
    ["flavour=oil", "unknown option"],
    ["seed=1;seed=1", "twice"],
    ["variations", "no value"],
  ])("rejects %s as InvalidOptions", (header, mentions) => {
    try {
      parseOptions(header);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).code).toBe("InvalidOptions");
      expect((error as ModelError).status).toBe(400);
      expect((error as ModelError).message).toContain(mentions);
    }
  });
});
