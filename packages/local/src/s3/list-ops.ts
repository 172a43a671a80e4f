/** ListObjects (V1 and V2) and ListObjectVersions of the local S3. */

import { invalidArgument } from "./errors.ts";
import { encodeEventKey } from "./events.ts";
import { OWNER, type RequestContext, sendXml } from "./http.ts";
import { groupListing } from "./listing.ts";
import type { S3Service } from "./service.ts";
import { type Query, queryValue } from "./signing.ts";
import { versionOrder } from "./versions.ts";

/** Encodes listing fields when the client asked for encoding-type=url. */
function listEncoder(query: Query): (value: string) => string {
  return queryValue(query, "encoding-type") === "url" ? encodeEventKey : (v) => v;
}

function parseMaxKeys(query: Query): number {
  const text = queryValue(query, "max-keys");
  if (text === undefined) return 1000;
  if (!/^\d+$/.test(text))
    throw invalidArgument(
      "Provided max-keys not an integer or within integer range",
      "max-keys",
      text,
    );
  return Math.min(Number(text), 1000);
}

function compareUtf8(a: string, b: string) {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export function listObjects(s: S3Service, ctx: RequestContext, bucket: string) {
  const q = (name: string) => queryValue(ctx.query, name);
  const v2 = q("list-type") === "2";
  const prefix = q("prefix") ?? "";
  const delimiter = q("delimiter") || undefined;
  const maxKeys = parseMaxKeys(ctx.query);
  const enc = listEncoder(ctx.query);
  let marker: string | undefined;
  const token = q("continuation-token");
  if (v2) {
    if (token !== undefined) {
      marker = Buffer.from(token, "base64url").toString("utf8");
      if (!token || Buffer.from(marker, "utf8").toString("base64url") !== token) {
        throw invalidArgument(
          "The continuation token provided is incorrect",
          "continuation-token",
          token,
        );
      }
    } else {
      marker = q("start-after") || undefined;
    }
  } else {
    marker = q("marker") || undefined;
  }
  const live = s.store.sortedRecords(bucket).flatMap((r) => {
    const latest = r.versions[0];
    return latest && !latest.deleteMarker ? [{ key: r.key, version: latest }] : [];
  });
  const page = groupListing(live, (e) => e.key, {
    prefix,
    delimiter,
    maxKeys,
    marker,
    skip: (e) => marker !== undefined && compareUtf8(e.key, marker) <= 0,
  });
  const contents = page.entries.map((e) => ({
    Key: enc(e.key),
    LastModified: e.version.lastModified,
    ETag: e.version.etag,
    Size: e.version.size,
    StorageClass: "STANDARD",
    ...(v2 ? {} : { Owner: OWNER }),
  }));
  const common = page.commonPrefixes.map((p) => ({ Prefix: enc(p) }));
  const body: Record<string, unknown> = {
    Name: bucket,
    Prefix: enc(prefix),
    ...(v2 ? {} : { Marker: enc(q("marker") ?? "") }),
    MaxKeys: maxKeys,
    ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
    IsTruncated: page.truncated,
    ...(queryValue(ctx.query, "encoding-type") === "url" ? { EncodingType: "url" } : {}),
  };
  if (v2) {
    body.KeyCount = contents.length + common.length;
    if (token !== undefined) body.ContinuationToken = token;
    if (q("start-after")) body.StartAfter = enc(q("start-after") ?? "");
    if (page.truncated && page.next) {
      body.NextContinuationToken = Buffer.from(page.next.key, "utf8").toString("base64url");
    }
  } else if (page.truncated && page.next && delimiter) {
    body.NextMarker = enc(page.next.key);
  }
  body.Contents = contents;
  body.CommonPrefixes = common;
  sendXml(ctx, "ListBucketResult", body);
}

export function listVersions(s: S3Service, ctx: RequestContext, bucket: string) {
  const q = (name: string) => queryValue(ctx.query, name);
  const prefix = q("prefix") ?? "";
  const delimiter = q("delimiter") || undefined;
  const maxKeys = parseMaxKeys(ctx.query);
  const keyMarker = q("key-marker") || undefined;
  const versionIdMarker = q("version-id-marker") || undefined;
  const enc = listEncoder(ctx.query);
  const entries = s.store.sortedRecords(bucket).flatMap((r) =>
    r.versions.map((version, index) => ({
      key: r.key,
      version,
      index,
      isLatest: index === 0,
      all: r.versions,
    })),
  );
  const page = groupListing(entries, (e) => e.key, {
    prefix,
    delimiter,
    maxKeys,
    marker: keyMarker,
    skip: (e) => {
      if (keyMarker === undefined) return false;
      const order = compareUtf8(e.key, keyMarker);
      if (order !== 0) return order < 0;
      if (versionIdMarker === undefined) return true;
      const known = e.all.find((v) => v.versionId === versionIdMarker);
      const markerOrder = known ? BigInt(`0x${known.order}`) : versionOrder(versionIdMarker);
      if (markerOrder === undefined) return true;
      return BigInt(`0x${e.version.order}`) >= markerOrder;
    },
  });
  const versions: Record<string, unknown>[] = [];
  const markers: Record<string, unknown>[] = [];
  for (const e of page.entries) {
    const common = {
      Key: enc(e.key),
      VersionId: e.version.versionId,
      IsLatest: e.isLatest,
      LastModified: e.version.lastModified,
    };
    if (e.version.deleteMarker) markers.push({ ...common, Owner: OWNER });
    else
      versions.push({
        ...common,
        ETag: e.version.etag,
        Size: e.version.size,
        StorageClass: "STANDARD",
        Owner: OWNER,
      });
  }
  const body: Record<string, unknown> = {
    Name: bucket,
    Prefix: enc(prefix),
    KeyMarker: enc(keyMarker ?? ""),
    VersionIdMarker: versionIdMarker ?? "",
    MaxKeys: maxKeys,
    ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
    IsTruncated: page.truncated,
    ...(queryValue(ctx.query, "encoding-type") === "url" ? { EncodingType: "url" } : {}),
  };
  if (page.truncated && page.next) {
    body.NextKeyMarker = enc(page.next.key);
    if (page.next.entry) body.NextVersionIdMarker = page.next.entry.version.versionId;
  }
  body.Version = versions;
  body.DeleteMarker = markers;
  body.CommonPrefixes = page.commonPrefixes.map((p) => ({ Prefix: enc(p) }));
  sendXml(ctx, "ListVersionsResult", body);
}
