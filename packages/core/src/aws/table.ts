/**
 * ArtAI's single table: every ElectroDB entity (jobs, deletions, rate-limit buckets, the breaker)
 * lives on the Jobs table, through the shared DynamoDB client. The attribute shapes the entities
 * share are declared here once.
 */
import { Entity, type Schema } from "electrodb";
import { Resource } from "sst";
import { dynamo } from "./index.ts";

/**
 * An entity on the Jobs table, built on its first use (so `Resource.Jobs` is read then, not at
 * import) and the same instance afterwards. Call the returned function wherever the entity is used.
 */
export function onJobsTable<
  A extends string,
  F extends string,
  C extends string,
  S extends Schema<A, F, C>,
>(schema: S): () => Entity<A, F, C, S> {
  let entity: Entity<A, F, C, S> | undefined;
  return () => {
    entity ??= new Entity(schema, { table: Resource.Jobs.name, client: dynamo() });
    return entity;
  };
}

/** An attribute every item has from its creation on, and that no update may change. */
export const immutable = <const T extends "string" | "number" | readonly string[]>(type: T) => ({
  type,
  required: true as const,
  readOnly: true as const,
});

const now = () => new Date().toISOString();

/** When the item was created (ISO 8601), set once by ElectroDB. */
export const createdAt = {
  type: "string",
  readOnly: true,
  required: true,
  default: now,
  set: () => now(),
} as const;

/** When the item last changed (ISO 8601): ElectroDB sets it on every write (`watch: "*"`). */
export const updatedAt = {
  type: "string",
  required: true,
  readOnly: true,
  watch: "*",
  default: now,
  set: () => now(),
} as const;
