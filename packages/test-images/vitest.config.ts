import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "test-images",
    include: ["src/**/*.test.ts"],
  },
});
