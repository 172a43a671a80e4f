import { describe, expect, it } from "vitest";
import { MAX_UPLOAD_BYTES, UPLOAD_EXPIRY_SECONDS } from "../contract/index.ts";
import { presign } from "./index.ts";

describe("Upload.presign", () => {
  it("signs a POST policy that pins the key, the type, the size range and a 15-minute expiry", async () => {
    const now = Date.now();
    const upload = await presign({
      bucket: "artai-test-uploads",
      key: "uploads/AAAAAAAAAAAAAAAAAAAAAA/input",
      contentType: "image/webp",
      now,
    });
    expect(upload.url).toMatch(/\/artai-test-uploads$/);
    expect(upload.fields.key).toBe("uploads/AAAAAAAAAAAAAAAAAAAAAA/input");
    expect(upload.fields["Content-Type"]).toBe("image/webp");
    expect(upload.fields["X-Amz-Signature"]).toMatch(/^[0-9a-f]{64}$/);

    const policy = JSON.parse(Buffer.from(upload.fields.Policy ?? "", "base64").toString("utf8"));
    const conditions = policy.conditions as unknown[];
    expect(conditions).toContainEqual(["content-length-range", 1, MAX_UPLOAD_BYTES]);
    expect(conditions).toContainEqual(["eq", "$Content-Type", "image/webp"]);
    expect(conditions).toContainEqual({ key: "uploads/AAAAAAAAAAAAAAAAAAAAAA/input" });
    expect(conditions).toContainEqual({ bucket: "artai-test-uploads" });
    expect(conditions).toContainEqual({ "X-Amz-Algorithm": "AWS4-HMAC-SHA256" });

    const expiresIn = (Date.parse(policy.expiration) - now) / 1000;
    expect(expiresIn).toBeGreaterThan(UPLOAD_EXPIRY_SECONDS - 5);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60 + 1);
    expect(Date.parse(upload.expiresAt) - now).toBe(UPLOAD_EXPIRY_SECONDS * 1000);
  });
});
