/**
 * The production stage of ArtAI's SST program, run under Pulumi mocks (see harness.ts), shared
 * by the per-infra-file tests (`program`, `edge`, `api`, `storage`, `queue`, `model`,
 * `monitoring`) and `aws-rules`. One test per requirement of the infrastructure issue, numbered as
 * in the issue; each asserts on the AWS resources the program registered and the inputs it gave them.
 *
 * A test file holds one `describeProduction(…)` block (or calls `useProductionRun()` once before
 * several); `run` and `config` are then live bindings that hold that file's run (each test file
 * runs in its own process, see vitest.config.ts).
 */
import { afterAll, beforeAll, describe } from "vitest";
import { type ProgramRun, runProgram, type Statement } from "./harness.ts";

export { LAMBDA, ROLE } from "./harness.ts";

export const DOMAIN = "photos.artai.test";
export const REPLICA_REGION = "eu-central-1";
export const ALERT_EMAIL = "operators@artai.test";
export const EDGE_SECRET = "edge-secret-for-tests";
export const S3 = "aws:s3/bucket:Bucket";
export const KEY = "aws:kms/key:Key";

export let run: ProgramRun;
export let config: typeof import("../config.ts");

/** Runs the production program once before the file's tests, and disposes of it after. */
export function useProductionRun() {
  beforeAll(async () => {
    run = await runProgram({
      stage: "production",
      secrets: {
        AlertEmail: ALERT_EMAIL,
        StatusToken: "status-token-for-tests",
        EdgeSecret: EDGE_SECRET,
      },
      env: { ARTAI_DOMAIN: DOMAIN, ARTAI_REPLICA_REGION: REPLICA_REGION },
    });
    config = await import("../config.ts");
  });

  afterAll(() => run?.dispose());
}

/** A file's one `describe` block over the production program, which runs once before its tests. */
export function describeProduction(name: string, tests: () => void) {
  useProductionRun();
  describe(name, tests);
}

/** The statements among `statements` that allow `action`. */
export const allows = (statements: Statement[], action: string) =>
  statements.filter((s) => s.Effect === "Allow" && s.Action.includes(action));
