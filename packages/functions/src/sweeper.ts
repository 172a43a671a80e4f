/** Runs on a schedule: ends jobs that can no longer finish on their own (see Pipeline.sweep). */
import { log } from "@artai/core/log";
import * as Pipeline from "@artai/core/pipeline";

export const handler = async () => {
  const counts = await Pipeline.sweep();
  log.info("sweep finished", counts);
  return counts;
};
