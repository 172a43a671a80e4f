/**
 * Structured JSON logs (Powertools for AWS Lambda). Every line on one job's path carries `jobId`:
 * work on a job through `log.createChild()` with `appendKeys({ jobId })`, so concurrent jobs in one
 * process never share keys.
 */
import { Logger } from "@aws-lambda-powertools/logger";

export type { Logger };

export const log = new Logger({
  serviceName: "artai",
  logLevel: (process.env.ARTAI_LOG_LEVEL as "INFO" | undefined) ?? "INFO",
});
