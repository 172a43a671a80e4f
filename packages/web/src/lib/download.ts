const extensions: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
};

/** Saves a blob under `filename` through a temporary link (cross-origin URLs ignore `download`). */
export function saveBlob(blob: Blob, filename: string): void {
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = filename;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 30_000);
}

async function fetchImage(url: string): Promise<Blob> {
  const response = await fetch(url, { credentials: "omit" });
  if (!response.ok) throw new Error(`The image could not be fetched (${response.status}).`);
  return response.blob();
}

/** Downloads one image; the extension follows the type the store answers with. */
export async function downloadImage(url: string, basename: string): Promise<void> {
  const blob = await fetchImage(url);
  saveBlob(blob, `${basename}.${extensions[blob.type] ?? "png"}`);
}

/**
 * Downloads several images as one zip. fflate is loaded only when asked, so it costs the upload
 * page nothing; images are stored, not recompressed (they are compressed already).
 */
export async function downloadZip(
  items: { url: string; basename: string }[],
  filename: string,
): Promise<void> {
  const [{ zip }, blobs] = await Promise.all([
    import("fflate"),
    Promise.all(items.map((item) => fetchImage(item.url))),
  ]);
  const files: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const [i, blob] of blobs.entries()) {
    const item = items[i];
    if (!item) continue;
    files[`${item.basename}.${extensions[blob.type] ?? "png"}`] = [
      new Uint8Array(await blob.arrayBuffer()),
      { level: 0 },
    ];
  }
  const data = await new Promise<Uint8Array>((resolve, reject) =>
    zip(files, (error, out) => (error ? reject(error) : resolve(out))),
  );
  saveBlob(new Blob([data as Uint8Array<ArrayBuffer>], { type: "application/zip" }), filename);
}
