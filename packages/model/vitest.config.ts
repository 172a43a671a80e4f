import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "model",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The server tests load the real model in worker threads; give them room on a busy machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
