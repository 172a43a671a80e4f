/**
 * SNS subscription filter policies, as the local topic applies them before delivering.
 *
 * What SNS does, and so what this does (https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html):
 * - A subscription without a policy receives every message.
 * - With `FilterPolicyScope: "MessageBody"` the policy is matched against the message body, which
 *   must be a JSON object; a body that is not JSON matches nothing
 *   (https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering-scope.html). With the default
 *   scope, `MessageAttributes`, it is matched against the message attributes.
 * - Every property named in the policy must match (AND); a property matches when one of the values
 *   listed for it matches (OR); a property the message lacks matches nothing. In the body scope a
 *   policy may nest objects to reach nested properties
 *   (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html).
 * - A listed string or number matches exactly, case-sensitively
 *   (https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html); when the message's
 *   value is an array, the property matches if any element does.
 *
 * Of SNS's operators, this implements exact string and number matching, `prefix` and `exists`.
 * Any other operator (`anything-but`, `numeric`, `suffix`, `equals-ignore-case`, `cidr`, `$or`, …)
 * is refused when the subscription is made, with an error that names it, rather than silently
 * matching too much or too little. No maintained npm package implements SNS's matching, so this is
 * written by hand (packages/local/README.md).
 */

export type FilterPolicyScope = "MessageAttributes" | "MessageBody";

export interface FilterPolicyInput {
  policy: Record<string, unknown>;
  scope?: FilterPolicyScope;
}

/** A message attribute as SNS carries it (`String`, `Number` or `String.Array`). */
export interface MessageAttribute {
  Type: string;
  Value: string;
}

const OPERATORS = ["prefix", "exists"] as const;

/** Throws, naming the problem, for a policy SNS would refuse or that this stand-in cannot apply. */
export function validateFilterPolicy(input: FilterPolicyInput): void {
  const scope = input.scope ?? "MessageAttributes";
  if (scope !== "MessageAttributes" && scope !== "MessageBody") {
    throw new Error(`Invalid FilterPolicyScope ${JSON.stringify(scope)}`);
  }
  let keyCount = 0;
  const visit = (node: Record<string, unknown>, path: string) => {
    const keys = Object.keys(node);
    if (keys.length === 0) throw new Error(`Filter policy ${path || "(root)"} is empty`);
    for (const key of keys) {
      const where = path ? `${path}.${key}` : key;
      if (key.startsWith("$")) {
        throw new Error(`Filter policy operator ${key} at ${where} is not supported locally`);
      }
      const value = node[key];
      if (Array.isArray(value)) {
        keyCount++;
        if (value.length === 0) throw new Error(`Filter policy ${where} lists no values`);
        for (const condition of value) validateCondition(condition, where);
      } else if (value && typeof value === "object") {
        if (scope !== "MessageBody") {
          throw new Error(`Filter policy ${where}: nested properties need the MessageBody scope`);
        }
        visit(value as Record<string, unknown>, where);
      } else {
        throw new Error(`Filter policy ${where} must be a list of values`);
      }
    }
  };
  visit(input.policy, "");
  // https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html
  if (keyCount > 5) throw new Error(`Filter policy has ${keyCount} keys; SNS allows at most 5`);
}

function validateCondition(condition: unknown, where: string) {
  if (typeof condition === "string" || typeof condition === "number") return;
  if (condition && typeof condition === "object" && !Array.isArray(condition)) {
    const [operator, ...more] = Object.keys(condition);
    if (!operator || more.length > 0) {
      throw new Error(`Filter policy ${where}: a condition object holds exactly one operator`);
    }
    if (!(OPERATORS as readonly string[]).includes(operator)) {
      throw new Error(
        `Filter policy operator ${JSON.stringify(operator)} at ${where} is not supported locally (supported: exact values, ${OPERATORS.join(", ")})`,
      );
    }
    const operand = (condition as Record<string, unknown>)[operator];
    if (operator === "prefix" && typeof operand !== "string") {
      throw new Error(`Filter policy ${where}: "prefix" takes a string`);
    }
    if (operator === "exists" && typeof operand !== "boolean") {
      throw new Error(`Filter policy ${where}: "exists" takes true or false`);
    }
    return;
  }
  throw new Error(`Filter policy ${where}: unsupported value ${JSON.stringify(condition)}`);
}

const MISSING = Symbol("missing");

function matchesValue(conditions: unknown[], value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return conditions.some((condition) => {
    if (condition && typeof condition === "object") {
      const [[operator, operand]] = Object.entries(condition) as [[string, unknown]];
      if (operator === "exists") return operand === (value !== MISSING);
      if (value === MISSING) return false;
      return values.some((v) => typeof v === "string" && v.startsWith(operand as string));
    }
    if (value === MISSING) return false;
    return values.some((v) => v === condition);
  });
}

function matchesObject(policy: Record<string, unknown>, message: unknown): boolean {
  const object = message && typeof message === "object" && !Array.isArray(message) ? message : {};
  return Object.entries(policy).every(([key, rule]) => {
    const value = key in object ? (object as Record<string, unknown>)[key] : MISSING;
    if (Array.isArray(rule)) return matchesValue(rule, value);
    return value !== MISSING && matchesObject(rule as Record<string, unknown>, value);
  });
}

/** Whether SNS would deliver a message with this body and these attributes to the subscription. */
export function matchesFilterPolicy(
  input: FilterPolicyInput,
  message: { body: string; attributes?: Record<string, MessageAttribute> },
): boolean {
  if ((input.scope ?? "MessageAttributes") === "MessageBody") {
    let body: unknown;
    try {
      body = JSON.parse(message.body);
    } catch {
      return false;
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) return false;
    return matchesObject(input.policy, body);
  }
  const attributes: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(message.attributes ?? {})) {
    attributes[name] =
      attribute.Type === "Number"
        ? Number(attribute.Value)
        : attribute.Type === "String.Array"
          ? JSON.parse(attribute.Value)
          : attribute.Value;
  }
  return matchesObject(input.policy, attributes);
}
