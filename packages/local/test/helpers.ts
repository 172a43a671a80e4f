import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `artai-${name}-`));
