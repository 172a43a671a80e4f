import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "infra",
    include: ["test/**/*.test.ts"],
    // Each file runs the whole SST program once under Pulumi mocks (its own process).
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
