/**
 * Issue 11, point 9, through the whole program: a stage whose replica region is its own region
 * stops with a message that says what to set. (Pulumi's runtime is per process, so this run has
 * a file of its own.)
 */
import { describe, expect, test } from "vitest";
import { runProgram } from "./harness.ts";
import { REGION } from "./mocks.ts";

describe("9. stage config guards", () => {
  test("9. the program refuses a replica region equal to the home region", async () => {
    await expect(
      runProgram({
        stage: "pr-7",
        secrets: { AlertEmail: "a@artai.test", StatusToken: "t", EdgeSecret: "e" },
        env: { ARTAI_REPLICA_REGION: REGION },
      }),
    ).rejects.toThrow(
      /The replica region must differ from the home region, but both are us-east-1: set ARTAI_REPLICA_REGION/,
    );
  });
});
