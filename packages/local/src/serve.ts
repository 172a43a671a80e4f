/**
 * Starts the local stack (API, queue, worker, model; no web app) in its own process and prints one
 * JSON line `{"url", "dataDir", "sqs", "queues"}` once it is ready. The load test and the crash test run the
 * stack this way so that it can be killed outright, as a machine or a Lambda host dies.
 * Environment: ARTAI_DATA_DIR (required), plus anything the application reads.
 */
import { NAMES, startStack } from "./stack.ts";

const dataDir = process.env.ARTAI_DATA_DIR;
if (!dataDir) throw new Error("set ARTAI_DATA_DIR");
const stack = await startStack({
  dataDir,
  port: 0,
  web: "none",
  sweepIntervalMs: Number(process.env.ARTAI_SWEEP_INTERVAL_MS ?? 0),
  log: (component, line) => process.stderr.write(`[${component}] ${line}\n`),
});
const queueUrl = (name: string) => `${stack.endpoints.sqs}/000000000000/${name}`;
process.stdout.write(
  `${JSON.stringify({
    url: stack.url,
    dataDir: stack.dataDir,
    sqs: stack.endpoints.sqs,
    queues: { jobs: queueUrl(NAMES.queue), dlq: queueUrl(NAMES.dlq) },
  })}\n`,
);

const stop = async () => {
  await stack.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
