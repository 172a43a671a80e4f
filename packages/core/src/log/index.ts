/**
 * Structured JSON logs (Powertools for AWS Lambda). Every line on one job's path carries `jobId`:
 * use `log.appendKeys({ jobId })` at the start of the work and `log.resetKeys()` at the end.
 */
import { Logger } from "@aws-lambda-powertools/logger";

export const log = new Logger({
  serviceName: "artai",
  logLevel: (process.env.ARTAI_LOG_LEVEL as "INFO" | undefined) ?? "INFO",
});
