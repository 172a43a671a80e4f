/**
 * What `GET /api/status` answers (docs/operations.md). The types are core's own; a type-only
 * import is erased from the bundle, so no server code reaches the page.
 */
import type { StatusView } from "@artai/core/metrics";

export type { Percentiles, StatusView } from "@artai/core/metrics";
export type QueueDepth = NonNullable<StatusView["queues"]>["jobs"];
