import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "local",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    // The integration suites each start real components; running them one file at a time keeps
    // two cores from being oversubscribed.
    fileParallelism: false,
  },
});
