/** The browser POST's policy: its signature, its expiry and its conditions. */
import { ALGORITHM_IDENTIFIER } from "@smithy/signature-v4";
import { accessDenied, invalidArgument, S3Error } from "./errors.ts";
import type { Keyring } from "./keyring.ts";
import { parseAmzDate } from "./signing.ts";

/** Form fields a POST policy never has to mention (AWS's rule). */
const EXEMPT_FIELDS = new Set(["x-amz-signature", "file", "policy"]);

const invalidPolicy = (message: string) =>
  new S3Error("InvalidPolicyDocument", `Invalid Policy: ${message}`, 400);

const conditionFailed = (condition: unknown) =>
  accessDenied(
    `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`,
  );

/** The POST-form fields that carry a policy signature (names lower-cased). */
export interface PolicyFields {
  policy: string;
  "x-amz-algorithm"?: string;
  "x-amz-credential"?: string;
  "x-amz-date"?: string;
  "x-amz-signature"?: string;
  /** The region of the bucket posted to. Default: the server's. */
  region?: string;
}

/**
 * Checks the signature of a browser POST upload: HMAC of the base64 policy with the
 * signing key of the credential scope. Conditions and expiry are checked by checkPostPolicy.
 */
export async function verifyPolicySignature(
  keys: Keyring,
  fields: PolicyFields,
): Promise<{ accessKeyId: string }> {
  const algorithm = fields["x-amz-algorithm"];
  const credentialText = fields["x-amz-credential"];
  const longDate = fields["x-amz-date"];
  const signature = fields["x-amz-signature"];
  if (!algorithm || !credentialText || !longDate || !signature) {
    throw invalidArgument(
      "Bucket POST must contain the fields x-amz-algorithm, x-amz-credential, x-amz-date and x-amz-signature with a policy",
    );
  }
  if (algorithm !== ALGORITHM_IDENTIFIER) {
    throw invalidArgument("Only AWS4-HMAC-SHA256 is supported", "x-amz-algorithm", algorithm);
  }
  if (parseAmzDate(longDate) === undefined) {
    throw invalidArgument("X-Amz-Date must be in the ISO8601 Long Format", "x-amz-date", longDate);
  }
  const credential = keys.credential(credentialText, "InvalidArgument", fields.region);
  await keys.checkPolicySignature(fields.policy, credential, signature);
  return { accessKeyId: credential.accessKeyId };
}

export interface SizeRange {
  min: number;
  max: number;
}

/**
 * Decodes a POST policy and checks its expiry and every condition against the form fields
 * (names lower-cased, `key` already expanded). Returns the content-length-range to enforce
 * while the file streams in. Throws AccessDenied naming the first violated condition.
 */
export function checkPostPolicy(
  policyBase64: string,
  fields: Map<string, string>,
  bucket: string,
  now: number,
): SizeRange | undefined {
  let policy: { expiration?: unknown; conditions?: unknown };
  try {
    policy = JSON.parse(Buffer.from(policyBase64, "base64").toString("utf8"));
  } catch {
    throw invalidPolicy("Invalid JSON.");
  }
  if (typeof policy !== "object" || policy === null) throw invalidPolicy("Invalid JSON.");
  if (typeof policy.expiration !== "string") throw invalidPolicy("Policy missing expiration.");
  const expiration = Date.parse(policy.expiration);
  if (Number.isNaN(expiration))
    throw invalidPolicy(`Invalid 'expiration' value: '${policy.expiration}'`);
  if (now > expiration) throw accessDenied("Invalid according to Policy: Policy expired.");
  if (!Array.isArray(policy.conditions)) throw invalidPolicy("Policy missing conditions.");

  const fieldValue = (name: string) => (name === "bucket" ? bucket : (fields.get(name) ?? ""));
  const covered = new Set<string>();
  let range: SizeRange | undefined;

  for (const condition of policy.conditions as unknown[]) {
    if (Array.isArray(condition)) {
      const [operator, target, expected] = condition as unknown[];
      if (typeof operator !== "string")
        throw invalidPolicy(`Invalid condition ${JSON.stringify(condition)}`);
      const op = operator.toLowerCase();
      if (op === "content-length-range") {
        const min = Number(target);
        const max = Number(expected);
        if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
          throw invalidPolicy(`Invalid content-length-range ${JSON.stringify(condition)}`);
        }
        range = { min, max };
        continue;
      }
      if (
        (op !== "eq" && op !== "starts-with") ||
        typeof target !== "string" ||
        !target.startsWith("$") ||
        typeof expected !== "string"
      ) {
        throw invalidPolicy(`Invalid condition ${JSON.stringify(condition)}`);
      }
      const name = target.slice(1).toLowerCase();
      covered.add(name);
      const actual = fieldValue(name);
      const ok =
        op === "eq"
          ? actual === expected
          : // Content-Type may list several comma-separated types; each must match the prefix.
            name === "content-type"
            ? actual.split(",").every((t) => t.trim().startsWith(expected))
            : actual.startsWith(expected);
      if (!ok) throw conditionFailed(condition);
    } else if (typeof condition === "object" && condition !== null) {
      const entries = Object.entries(condition);
      if (entries.length !== 1 || typeof entries[0]?.[1] !== "string") {
        throw invalidPolicy(`Invalid condition ${JSON.stringify(condition)}`);
      }
      const [rawName, expected] = entries[0] as [string, string];
      const name = rawName.toLowerCase();
      covered.add(name);
      if (fieldValue(name) !== expected) throw conditionFailed(["eq", `$${rawName}`, expected]);
    } else {
      throw invalidPolicy(`Invalid condition ${JSON.stringify(condition)}`);
    }
  }

  const extra = [...fields.keys()].filter(
    (name) => !EXEMPT_FIELDS.has(name) && !name.startsWith("x-ignore-") && !covered.has(name),
  );
  if (extra.length > 0) {
    throw accessDenied(`Invalid according to Policy: Extra input fields: ${extra.join(", ")}`);
  }
  return range;
}
