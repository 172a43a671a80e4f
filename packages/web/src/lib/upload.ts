import type { UploadTicket } from "@artai/core/contract";

export interface UploadProgress {
  loaded: number;
  total: number;
}

/** Why an upload to the object store did not finish. `code` matches the API's failure codes where one fits. */
export class UploadError extends Error {
  readonly code:
    | "UploadExpired"
    | "ImageTooLarge"
    | "UploadRejected"
    | "NetworkError"
    | "Cancelled";

  constructor(code: UploadError["code"], message: string) {
    super(message);
    this.name = "UploadError";
    this.code = code;
  }
}

/** Reads the S3-style XML error body the object store answers with. */
export function parseStoreError(status: number, xml: string): UploadError {
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? "";
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1] ?? "";
  if (/expired/i.test(message) || /expired/i.test(code)) {
    return new UploadError("UploadExpired", "The upload link expired.");
  }
  if (code === "EntityTooLarge" || /content-length-range|too large/i.test(message)) {
    return new UploadError("ImageTooLarge", "The file is larger than the upload allows.");
  }
  return new UploadError(
    "UploadRejected",
    `The upload was refused (${status}${code ? ` ${code}` : ""}${message ? `: ${message}` : ""}).`,
  );
}

/**
 * Sends `file` to the presigned POST in `ticket`: every field first, the file last as `file`.
 * XHR rather than fetch because it reports upload progress and can be aborted mid-body.
 */
export function uploadFile(
  ticket: UploadTicket,
  file: Blob,
  onProgress: (progress: UploadProgress) => void,
): { done: Promise<void>; cancel: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<void>((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(ticket.fields)) form.append(name, value);
    form.append("file", file);

    xhr.upload.addEventListener("progress", (event) => {
      onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    });
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress({ loaded: file.size, total: file.size });
        resolve();
      } else {
        reject(parseStoreError(xhr.status, xhr.responseText));
      }
    });
    xhr.addEventListener("error", () =>
      reject(new UploadError("NetworkError", "The connection dropped during the upload.")),
    );
    xhr.addEventListener("abort", () => reject(new UploadError("Cancelled", "Upload cancelled.")));
    xhr.open("POST", ticket.url);
    xhr.send(form);
  });
  return { done, cancel: () => xhr.abort() };
}
