/**
 * Requirement 10: docs/deploy.md covers what the issue asks for, and its runbooks only use
 * stack outputs that sst.config.ts really returns (so a renamed output breaks this test,
 * not an operator's restore in the middle of an incident).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { expect, test } from "vitest";
import { repoRoot } from "./harness.ts";
import { documentedPermissions, renderPermissions } from "./permissions-doc.ts";

const deploy = readFileSync(path.join(repoRoot, "docs", "deploy.md"), "utf8");

/** The keys of the object literal that `run()` in sst.config.ts returns. */
function returnedOutputs(): string[] {
  const file = path.join(repoRoot, "sst.config.ts");
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const keys: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isReturnStatement(node) &&
      node.expression &&
      ts.isObjectLiteralExpression(node.expression)
    ) {
      for (const property of node.expression.properties) {
        if (property.name && ts.isIdentifier(property.name)) keys.push(property.name.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return keys;
}

/** The body of the section under `heading` (up to the next heading of the same or higher level). */
function section(heading: RegExp): string {
  const lines = deploy.split("\n");
  const start = lines.findIndex((l) => /^#+ /.test(l) && heading.test(l));
  if (start < 0) throw new Error(`docs/deploy.md has no heading matching ${heading}`);
  const level = /^#+/.exec(lines[start] as string)?.[0].length ?? 1;
  const end = lines.findIndex(
    (l, i) => i > start && /^#+ /.test(l) && (/^#+/.exec(l)?.[0].length ?? 9) <= level,
  );
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

const shellBlocks = (text: string) =>
  [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string).join("\n");

test("10. docs/deploy.md: prerequisites, first deploy, secrets, domain and edge routing, cost, teardown and three restore runbooks", () => {
  expect(section(/^## Prerequisites/)).toMatch(/Docker/);
  expect(shellBlocks(section(/^## First deploy/))).toMatch(/sst deploy --stage production/);
  const secrets = shellBlocks(section(/^## Secrets/));
  for (const name of ["AlertEmail", "StatusToken", "EdgeSecret"])
    expect(secrets).toContain(`sst secret set ${name}`);
  expect(section(/Route 53 and CloudFront/)).toMatch(/latency/i);
  const cost = section(/^## Monthly cost estimate/);
  expect(cost).toMatch(/10,000 API requests a day/);
  expect(cost).toMatch(/\*\*Total\*\*/);
  expect(shellBlocks(section(/^## Teardown/))).toMatch(/sst remove --stage/);

  const outputs = new Set(returnedOutputs());
  const runbooks = {
    "S3 object version": [/list-object-versions/, /delete-object .*--version-id/, /copy-object/],
    replica: [/aws s3 sync/, /get-bucket-replication/],
    "point-in-time": [/restore-table-to-point-in-time/, /wait table-exists/],
  };
  for (const [title, commands] of Object.entries(runbooks)) {
    const body = shellBlocks(section(new RegExp(`^### \\d\\. .*${title}`, "i")));
    for (const command of commands) expect(body).toMatch(command);
    // Every `jq -r .<output>` in a runbook names an output the program returns.
    for (const [, key] of body.matchAll(/jq -r \.(\w+)/g)) expect(outputs).toContain(key);
  }
});

test("5. docs/infra.md lists each function's permissions and why, exactly as the permissions table declares them", () => {
  const documented = documentedPermissions();
  expect(documented, "docs/infra.md lost its generated permissions section").toBeDefined();
  // On a difference: `pnpm --filter @artai/infra exec tsx test/permissions-doc.ts --write`.
  expect(documented).toBe(renderPermissions());
  for (const fn of ["api", "worker", "sweeper", "breaker"])
    expect(documented).toContain(`#### \`${fn}\``);
});
