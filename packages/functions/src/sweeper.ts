/**
 * Runs on a schedule: ends jobs that can no longer finish on their own (see Pipeline.sweep), and
 * purges deleted jobs' images once more, replicas included (see Deletion.repurge).
 */
import * as Deletion from "@artai/core/deletion";
import { log } from "@artai/core/log";
import * as Pipeline from "@artai/core/pipeline";

export const handler = async () => {
  const counts = await Pipeline.sweep();
  const deletions = await Deletion.repurge();
  log.info("sweep finished", { ...counts, ...deletions });
  return { ...counts, ...deletions };
};
