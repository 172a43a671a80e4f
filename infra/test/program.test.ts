/** The production program (production.ts): the program as a whole and sst.config.ts. */
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import { repoRoot } from "./harness.ts";
import { unknownCalls } from "./mocks.ts";
import { KEY, run, S3, useProductionRun } from "./production.ts";

useProductionRun();

describe("0. the program", () => {
  test("0. runs offline without errors, and every provider lookup is answered", () => {
    expect(run.errors).toEqual([]);
    expect([...unknownCalls]).toEqual([]);
    expect(run.resources.length).toBeGreaterThan(150);
  });
});

describe("1. sst.config.ts and infra/", () => {
  test("1. app is named artai; production is protected and retained, other stages removable", async () => {
    const { default: sstConfig } = await import("../../sst.config.ts");
    const production = await sstConfig.app({ stage: "production" });
    const preview = await sstConfig.app({ stage: "pr-42" });
    expect(production).toMatchObject({ name: "artai", protect: true, removal: "retain" });
    expect(preview).toMatchObject({ name: "artai", protect: false, removal: "remove" });
    // SST's runner records `$app.protect` in the stack outputs; `sst remove` refuses then.
    expect(run.outputs._protect).toBe(true);
    // Deletion protection on the one stateful resource AWS can protect by itself.
    expect(run.get("aws:dynamodb/table:Table", "JobsTable").inputs.deletionProtectionEnabled).toBe(
      true,
    );
    // Retain: the data, and the keys it is encrypted with, outlive the program.
    const stateful = [
      ...["UploadsBucket", "OutputsBucket", "UploadsReplica", "OutputsReplica"].map((n) =>
        run.get(S3, n),
      ),
      run.get("aws:dynamodb/table:Table", "JobsTable"),
      ...run.ofType(KEY),
    ];
    expect(stateful).toHaveLength(9);
    for (const resource of stateful)
      expect([resource.name, resource.retainOnDelete]).toEqual([resource.name, true]);
  });

  test("1. sst.config.ts only imports infra/*.ts files and returns outputs", () => {
    const file = path.join(repoRoot, "sst.config.ts");
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
    const imports: string[] = [];
    let constructs = 0;
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const [arg] = node.arguments;
        if (arg && ts.isStringLiteral(arg)) imports.push(arg.text);
      }
      if (ts.isNewExpression(node)) constructs++;
      ts.forEachChild(node, visit);
    };
    visit(source);
    expect(constructs).toBe(0);
    expect(imports.length).toBeGreaterThanOrEqual(8);
    for (const specifier of imports) expect(specifier).toMatch(/^\.\/infra\/[a-z-]+\.ts$/);
    for (const key of ["url", "api", "uploads", "outputs", "jobs", "queue", "modelEndpoint"]) {
      expect(run.outputs).toHaveProperty(key);
    }
  });
});
