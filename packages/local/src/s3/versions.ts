/** Version ids and the store's clock, which orders versions and notification sequencers. */
import { randomBytes } from "node:crypto";
import { S3Error } from "./errors.ts";

const VERSION_ID = /^[A-Za-z0-9_-]{32}$/;

/**
 * Version ids are opaque to clients but start with the version's position in time, so a
 * ListObjectVersions page can resume after a version-id-marker even once that version is gone.
 */
function newVersionId(order: bigint): string {
  const bytes = randomBytes(24);
  bytes.writeBigUInt64BE(order, 0);
  return bytes.toString("base64url");
}

/** The creation order encoded in a version id, or undefined for "null" and foreign ids. */
export function versionOrder(versionId: string): bigint | undefined {
  if (!VERSION_ID.test(versionId)) return undefined;
  return Buffer.from(versionId, "base64url").readBigUInt64BE(0);
}

/** For a version id the key does not hold: 400 InvalidArgument unless it could have been issued. */
export function checkVersionIdForm(versionId: string) {
  if (versionId !== "null" && !VERSION_ID.test(versionId)) {
    throw new S3Error("InvalidArgument", "Invalid version id specified", 400, {
      ArgumentName: "versionId",
      ArgumentValue: versionId,
    });
  }
}

/** A strictly increasing µs clock shared by version order and sequencers. */
export class StoreClock {
  /** Last value of the clock (µs since epoch, strictly increasing, restored on load). */
  private last = 0n;

  private next(): bigint {
    const now = BigInt(Date.now()) * 1000n;
    this.last = now > this.last ? now : this.last + 1n;
    return this.last;
  }

  /** The id, order and date of a version written now: a new id if versioned, else "null". */
  stamp(versioned: boolean): { versionId: string; order: string; lastModified: string } {
    const order = this.next();
    return {
      versionId: versioned ? newVersionId(order) : "null",
      order: order.toString(16),
      lastModified: new Date().toISOString(),
    };
  }

  /** Sequencers are fixed-width hex, strictly increasing per key and across restarts. */
  sequencer(previous?: string): string {
    let next = this.next();
    if (previous !== undefined) {
      const prev = BigInt(`0x${previous}`);
      if (next <= prev) next = prev + 1n;
    }
    this.bump(next);
    return next.toString(16).toUpperCase().padStart(16, "0");
  }

  /** Moves the clock past a value read from disk. */
  bump(value: bigint) {
    if (value > this.last) this.last = value;
  }
}
