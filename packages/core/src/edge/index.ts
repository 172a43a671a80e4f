/** The API's side of the edge's stamp: why there is one, and how, in docs/api.md#the-edge. */
import { createHash, timingSafeEqual } from "node:crypto";
import { Resource } from "sst";
import { EDGE_HEADERS } from "../contract/index.ts";
import { AppError } from "../errors/index.ts";

/** Set by the edge to the `EdgeSecret`; anything a client sends in it is overwritten. */
export const SECRET_HEADER = EDGE_HEADERS.secret;
/** Set by the edge to the address the viewer connected from. */
export const VIEWER_HEADER = EDGE_HEADERS.viewer;

/** A request that reached the API without passing through the site's edge. */
export class NotThroughEdge extends AppError {
  constructor() {
    super(
      "Forbidden",
      "ArtAI's API answers only through the site's own address, not the API's direct one.",
      403,
    );
  }
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Checks that a request came through the edge and returns the address of the person behind it.
 * Throws `NotThroughEdge` when the secret is missing or wrong (compared in constant time), and
 * when no secret is configured at all: an empty secret must never admit an empty header.
 */
export function admit(
  headers: Record<string, string | undefined> | undefined,
  sourceIp?: string,
  expected: string = Resource.EdgeSecret.value,
) {
  const given = headers?.[SECRET_HEADER];
  if (!expected || !given || !timingSafeEqual(digest(given), digest(expected))) {
    throw new NotThroughEdge();
  }
  return { client: headers?.[VIEWER_HEADER]?.trim() || sourceIp || "unknown" };
}
