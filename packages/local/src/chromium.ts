/**
 * The flags a headless Chromium needs on these closed-network machines (see the environment
 * notes), shared by the end-to-end tests and the web benchmark.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
