import { MAX_INPUT_PIXELS } from "@artai/core/image";
import { CONTENT_TYPES, MAX_UPLOAD_BYTES } from "@artai/core/upload";
import { describe, expect, it } from "vitest";
import { ACCEPTED_TYPES, MAX_BYTES, MAX_PIXELS } from "./limits.ts";

// The page keeps its own copy of the limits (core would pull server code into the bundle); this
// keeps the copy honest, so the browser never accepts what the server then refuses, or the reverse.
describe("the browser's upload limits", () => {
  it("are the limits the API and the worker enforce", () => {
    expect(MAX_BYTES).toBe(MAX_UPLOAD_BYTES);
    expect(MAX_PIXELS).toBe(MAX_INPUT_PIXELS);
    expect([...ACCEPTED_TYPES]).toEqual([...CONTENT_TYPES]);
  });
});
