/**
 * The permissions section of docs/infra.md, rendered from the permissions table, so the docs can
 * only say what infra deploys and the local stack enforces (test/docs.test.ts compares them).
 * To refresh the docs after changing the table: `pnpm --filter @artai/infra exec tsx
 * test/permissions-doc.ts --write`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { FUNCTIONS, PERMISSIONS } from "../../packages/core/src/contract/permissions.ts";

export const DOC = path.resolve(import.meta.dirname, "..", "..", "docs", "infra.md");
export const START =
  "<!-- permissions:start (generated from packages/core/src/contract/permissions.ts) -->";
export const END = "<!-- permissions:end -->";

const ON: Record<string, string> = {
  bucket: "the bucket",
  objects: "its objects (`/*`)",
  table: "the table",
  queue: "the queue",
  endpoint: "the endpoint",
  "*": "`*`",
};

/** One table per function: resource, scope, actions, why. */
export function renderPermissions(): string {
  const lines: string[] = [];
  for (const fn of FUNCTIONS) {
    lines.push(
      `#### \`${fn}\``,
      "",
      "| Resource | On | Actions | Why |",
      "| --- | --- | --- | --- |",
    );
    for (const grant of PERMISSIONS[fn]) {
      const on = ON[grant.scope] ?? `index \`${grant.scope.replace(/^index\//, "")}\``;
      const actions = grant.actions.map((a) => `\`${a}\``).join(", ");
      const why =
        grant.caller === "event-source-mapping" ? `${grant.why} (Lambda's poller)` : grant.why;
      lines.push(
        `| ${grant.resource === "*" ? "—" : grant.resource} | ${on} | ${actions} | ${why} |`,
      );
    }
    lines.push("");
  }
  return lines.join("\n").trimEnd();
}

/** The generated part of docs/infra.md as it is now. */
export function documentedPermissions(text = readFileSync(DOC, "utf8")): string | undefined {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) return undefined;
  return text.slice(start + START.length, end).trim();
}

if (process.argv.includes("--write")) {
  const text = readFileSync(DOC, "utf8");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/infra.md has no ${START} … ${END} section`);
  writeFileSync(
    DOC,
    `${text.slice(0, start + START.length)}\n\n${renderPermissions()}\n\n${text.slice(end)}`,
  );
}
