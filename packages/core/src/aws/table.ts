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

/** An attribute every item (or every element of a map) has. */
export const required = <const T extends "string" | "number" | "boolean">(type: T) => ({
  type,
  required: true as const,
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

/**
 * The table's own key for an entity found by `composite` alone: `pk` holds it, `sk` only the
 * entity's name (ElectroDB writes both). Every entity's main access pattern.
 */
export const primaryKey = <const P extends readonly string[]>(composite: P) => ({
  pk: { field: "pk", composite },
  sk: { field: "sk", composite: [] as const },
});

/**
 * An access pattern on a global secondary index of the table, named after what it finds (`byOwner`),
 * on the index's generic `<index>pk` and `<index>sk` fields (infra/storage.ts declares them).
 */
export const secondaryKey = <
  const I extends "gsi1" | "gsi2",
  const P extends readonly string[],
  const S extends readonly string[],
>(
  index: I,
  pk: P,
  sk: S,
) => ({
  index,
  pk: { field: `${index}pk`, composite: pk },
  sk: { field: `${index}sk`, composite: sk },
});
