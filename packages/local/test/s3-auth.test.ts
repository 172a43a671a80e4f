import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { describe, expect, it } from "vitest";
import { CREDENTIALS, clientFor, errorOf, putObject, rejection, useTestS3 } from "./s3-helpers.ts";

describe("local S3: SigV4 headers and presigned URLs", () => {
  const s3 = useTestS3([{ name: "photos" }]);

  it("verifies SigV4 header signatures", async () => {
    const wrongSecret = clientFor(s3.url, {
      accessKeyId: CREDENTIALS.accessKeyId,
      secretAccessKey: "not-the-secret",
    });
    const forged = await rejection(
      wrongSecret.send(new ListObjectsV2Command({ Bucket: "photos" })),
    );
    expect(forged.name).toBe("SignatureDoesNotMatch");
    expect(forged.$metadata?.httpStatusCode).toBe(403);

    const unknown = clientFor(s3.url, { accessKeyId: "AKIAUNKNOWN", secretAccessKey: "whatever" });
    const denied = await rejection(
      unknown.send(new PutObjectCommand({ Bucket: "photos", Key: "intruder", Body: "x" })),
    );
    expect(denied.name).toBe("InvalidAccessKeyId");

    const anonymous = await fetch(`${s3.url}/photos/digits`);
    expect(await errorOf(anonymous)).toMatchObject({ status: 403, code: "AccessDenied" });
    await expect(
      s3.client.send(new HeadObjectCommand({ Bucket: "photos", Key: "intruder" })),
    ).rejects.toThrow();
  });

  it("honours presigned GETs and refuses forged or expired ones", async () => {
    const { client } = s3;
    await putObject(client, "photos", "pic (1).png", "png bytes", { ContentType: "image/png" });
    const command = new GetObjectCommand({ Bucket: "photos", Key: "pic (1).png" });
    const url = await getSignedUrl(client, command, { expiresIn: 60 });

    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("png bytes");
    expect(ok.headers.get("content-type")).toBe("image/png");
    expect(ok.headers.get("x-content-type-options")).toBe("nosniff");

    const overridden = await fetch(
      await getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: "photos",
          Key: "pic (1).png",
          ResponseContentDisposition: "attachment",
        }),
        { expiresIn: 60 },
      ),
    );
    expect(overridden.headers.get("content-disposition")).toBe("attachment");

    const zeroed = new URL(url);
    zeroed.searchParams.set("X-Amz-Signature", "0".repeat(64));
    expect(await errorOf(await fetch(zeroed))).toMatchObject({
      status: 403,
      code: "SignatureDoesNotMatch",
    });

    const asDelete = await fetch(url, { method: "DELETE" });
    expect(await errorOf(asDelete)).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });

    const otherKey = url.replace("pic%20%281%29.png", "digits");
    expect(await errorOf(await fetch(otherKey))).toMatchObject({
      status: 403,
      code: "SignatureDoesNotMatch",
    });

    const longer = new URL(url);
    longer.searchParams.set("X-Amz-Expires", "604800");
    expect(await errorOf(await fetch(longer))).toMatchObject({
      status: 403,
      code: "SignatureDoesNotMatch",
    });

    const expired = await getSignedUrl(client, command, {
      expiresIn: 5,
      signingDate: new Date(Date.now() - 60_000),
    });
    expect(await errorOf(await fetch(expired))).toEqual({
      status: 403,
      code: "AccessDenied",
      message: "Request has expired",
    });
  });

  it("accepts presigned PUTs only with a matching checksum", async () => {
    const whenRequired = clientFor(s3.url, CREDENTIALS, {
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
    const put = await getSignedUrl(
      whenRequired,
      new PutObjectCommand({
        Bucket: "photos",
        Key: "presigned-put.png",
        ContentType: "image/png",
      }),
      { expiresIn: 60 },
    );
    const ok = await fetch(put, {
      method: "PUT",
      body: "img",
      headers: { "content-type": "image/png" },
    });
    expect(ok.status).toBe(200);
    const head = await s3.client.send(
      new HeadObjectCommand({ Bucket: "photos", Key: "presigned-put.png" }),
    );
    expect(head.ContentType).toBe("image/png");

    // Unsigned x-amz-* headers are refused, so the URL cannot be turned into a copy of another object.
    const hijack = await fetch(put, {
      method: "PUT",
      headers: { "x-amz-copy-source": "photos/digits", "content-type": "image/png" },
    });
    expect(await errorOf(hijack)).toMatchObject({ status: 403, code: "AccessDenied" });
    const unchanged = await s3.client.send(
      new GetObjectCommand({ Bucket: "photos", Key: "presigned-put.png" }),
    );
    expect(await unchanged.Body?.transformToString()).toBe("img");

    // With the SDK's default checksum setting the URL carries the CRC32 of an empty body,
    // so AWS (and this server) refuse any non-empty upload with it.
    const withEmptyCrc = await getSignedUrl(
      s3.client,
      new PutObjectCommand({ Bucket: "photos", Key: "presigned-crc.png" }),
      { expiresIn: 60 },
    );
    expect(await errorOf(await fetch(withEmptyCrc, { method: "PUT", body: "img" }))).toMatchObject({
      status: 400,
      code: "BadDigest",
    });
  });
});
