/**
 * Issue 11, point 9, through the whole program: a production deploy without ARTAI_DOMAIN stops
 * before it registers anything, with a message that says what to set. (Pulumi's runtime is per
 * process, so this run has a file of its own.)
 */
import { describe, test } from "vitest";
import { expectRefusal } from "./harness.ts";

describe("9. stage config guards", () => {
  test("9. the production program refuses to run without a domain", () =>
    expectRefusal(
      "production",
      { ARTAI_DOMAIN: "", ARTAI_REPLICA_REGION: "eu-central-1" },
      /Stage "production" is a production stage and needs a domain: set ARTAI_DOMAIN/,
    ));
});
