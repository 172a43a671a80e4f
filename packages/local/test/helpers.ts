import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `artai-${name}-`));

// The API client lives in src/client.ts (`@artai/local/client`), shared with bench/; tests may
// import it from here as well.
export { Browser, upload } from "../src/client.ts";
