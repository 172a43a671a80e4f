/** An error answered to the client as S3's XML `<Error>` document. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Extra elements AWS adds to this error (Key, BucketName, Condition, …). */
    readonly details: Record<string, string | number> = {},
    /** Extra response headers (e.g. x-amz-delete-marker on a 404 for a delete marker). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export const noSuchBucket = (bucket: string) =>
  new S3Error("NoSuchBucket", "The specified bucket does not exist", 404, { BucketName: bucket });

export const noSuchKey = (key: string, headers: Record<string, string> = {}) =>
  new S3Error("NoSuchKey", "The specified key does not exist.", 404, { Key: key }, headers);

export const noSuchVersion = (key: string, versionId: string) =>
  new S3Error("NoSuchVersion", "The specified version does not exist.", 404, {
    Key: key,
    VersionId: versionId,
  });

export const accessDenied = (message = "Access Denied") =>
  new S3Error("AccessDenied", message, 403);

export const invalidArgument = (message: string, name?: string, value?: string) =>
  new S3Error(
    "InvalidArgument",
    message,
    400,
    name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? "" },
  );

export const invalidRequest = (message: string) => new S3Error("InvalidRequest", message, 400);

export const malformedXml = () =>
  new S3Error(
    "MalformedXML",
    "The XML you provided was not well-formed or did not validate against our published schema",
    400,
  );

export const badDigest = (algorithm: string) =>
  new S3Error(
    "BadDigest",
    `The ${algorithm} you specified did not match the calculated checksum.`,
    400,
  );
