/** Compares keys by their UTF-8 bytes, the order S3 lists them in. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export interface Grouped<T> {
  entries: T[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned: where the next page starts after. */
  next?: { key: string; entry?: T };
}

/**
 * Walks entries in key order the way S3 lists: filters by prefix, folds keys that contain the
 * delimiter after the prefix into common prefixes, and stops after maxKeys keys + prefixes.
 * `marker` skips common prefixes already returned on an earlier page.
 */
export function groupListing<T>(
  entries: Iterable<T>,
  keyOf: (entry: T) => string,
  opts: {
    prefix: string;
    delimiter?: string;
    maxKeys: number;
    marker?: string;
    skip: (entry: T) => boolean;
  },
): Grouped<T> {
  const out: Grouped<T> = { entries: [], commonPrefixes: [], truncated: false };
  if (opts.maxKeys <= 0) return out;
  let count = 0;
  let lastPrefix: string | undefined;
  for (const entry of entries) {
    const key = keyOf(entry);
    if (!key.startsWith(opts.prefix) || opts.skip(entry)) continue;
    let commonPrefix: string | undefined;
    if (opts.delimiter) {
      const at = key.indexOf(opts.delimiter, opts.prefix.length);
      if (at !== -1) commonPrefix = key.slice(0, at + opts.delimiter.length);
    }
    if (commonPrefix !== undefined) {
      if (commonPrefix === lastPrefix) continue;
      if (opts.marker !== undefined && compareKeys(commonPrefix, opts.marker) <= 0) continue;
    }
    if (count === opts.maxKeys) {
      out.truncated = true;
      break;
    }
    count++;
    if (commonPrefix !== undefined) {
      out.commonPrefixes.push(commonPrefix);
      lastPrefix = commonPrefix;
      out.next = { key: commonPrefix };
    } else {
      out.entries.push(entry);
      out.next = { key, entry };
    }
  }
  return out;
}
