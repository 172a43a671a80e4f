/**
 * Requirement 9: sst.config.ts and infra/ typecheck against the types SST itself ships in the
 * installed platform (.sst/platform/config.d.ts and the component sources it imports), not
 * against hand-written declarations.
 */
import path from "node:path";
import ts from "typescript";
import { expect, test } from "vitest";
import { platformDir, repoRoot } from "./harness.ts";

const infraDir = path.join(repoRoot, "infra");

// An extra in-memory file: the globals must be typed, so a misspelt argument must fail.
const probe = path.join(infraDir, "__probe__.ts");
const PROBE_SOURCE =
  'new sst.aws.Queue("Probe", { visibilityTimeoutt: "1 second" });\nexport {};\n';

function loadProgram() {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(infraDir, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (!parsed) throw new Error("infra/tsconfig.json did not parse");
  const host = ts.createCompilerHost(parsed.options);
  const { readFile, fileExists } = host;
  host.readFile = (file) => (file === probe ? PROBE_SOURCE : readFile(file));
  host.fileExists = (file) => file === probe || fileExists(file);
  return ts.createProgram({
    rootNames: [...parsed.fileNames, probe],
    options: parsed.options,
    host,
  });
}

const format = (d: ts.Diagnostic) =>
  `${d.file ? path.relative(repoRoot, d.file.fileName) : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;

test("9. sst.config.ts and infra/ typecheck against SST's own types from the installed platform", () => {
  const program = loadProgram();
  const files = program.getSourceFiles().map((f) => f.fileName);
  expect(files).toContain(path.join(repoRoot, "sst.config.ts"));
  expect(files).toContain(path.join(platformDir, "config.d.ts"));
  expect(files).toContain(path.join(platformDir, "src", "components", "aws", "bucket.ts"));
  for (const file of ["storage.ts", "queue.ts", "model.ts", "monitoring.ts", "web.ts"]) {
    expect(files).toContain(path.join(infraDir, file));
  }
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const fromProbe = diagnostics.filter((d) => d.file?.fileName === probe).map(format);
  expect(diagnostics.filter((d) => d.file?.fileName !== probe).map(format)).toEqual([]);
  expect(fromProbe).toEqual([expect.stringContaining("'visibilityTimeoutt' does not exist")]);
}, 240_000);
