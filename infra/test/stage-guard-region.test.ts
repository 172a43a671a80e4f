/**
 * Issue 11, point 9, through the whole program: a stage whose replica region is its own region
 * stops with a message that says what to set. (Pulumi's runtime is per process, so this run has
 * a file of its own.)
 */
import { describe, test } from "vitest";
import { expectRefusal } from "./harness.ts";
import { REGION } from "./mocks.ts";

describe("9. stage config guards", () => {
  test("9. the program refuses a replica region equal to the home region", () =>
    expectRefusal(
      "pr-7",
      { ARTAI_REPLICA_REGION: REGION },
      /The replica region must differ from the home region, but both are us-east-1: set ARTAI_REPLICA_REGION/,
    ));
});
