/**
 * The local topic's filter policies, checked against the examples of AWS's SNS filtering pages
 * (exact matching, AND across properties, OR across values, body versus attribute scope), and
 * refusing what it does not implement.
 */
import { describe, expect, it } from "vitest";
import { matchesFilterPolicy, validateFilterPolicy } from "./filter-policy.ts";

const body = (value: unknown) => ({ body: JSON.stringify(value) });

describe("SNS filter policies", () => {
  it("matches a body property exactly, against any listed value, case-sensitively", () => {
    const filter = {
      policy: { customer_interests: ["rugby", "tennis"] },
      scope: "MessageBody" as const,
    };
    expect(matchesFilterPolicy(filter, body({ customer_interests: "rugby" }))).toBe(true);
    expect(matchesFilterPolicy(filter, body({ customer_interests: "tennis" }))).toBe(true);
    expect(matchesFilterPolicy(filter, body({ customer_interests: ["golf", "rugby"] }))).toBe(true);
    expect(matchesFilterPolicy(filter, body({ customer_interests: "baseball" }))).toBe(false);
    expect(matchesFilterPolicy(filter, body({ customer_interests: "Rugby" }))).toBe(false);
    expect(matchesFilterPolicy(filter, body({ other: "rugby" }))).toBe(false);
  });

  it("needs every property to match, and reaches nested body properties", () => {
    const filter = {
      policy: { store: ["example_corp"], order: { status: ["placed"] } },
      scope: "MessageBody" as const,
    };
    expect(
      matchesFilterPolicy(filter, body({ store: "example_corp", order: { status: "placed" } })),
    ).toBe(true);
    expect(
      matchesFilterPolicy(filter, body({ store: "example_corp", order: { status: "cancelled" } })),
    ).toBe(false);
    expect(matchesFilterPolicy(filter, body({ store: "example_corp" }))).toBe(false);
  });

  it("matches nothing in the body scope when the body is not a JSON object", () => {
    const filter = { policy: { AlarmName: ["a"] }, scope: "MessageBody" as const };
    expect(matchesFilterPolicy(filter, { body: "AlarmName: a" })).toBe(false);
    expect(matchesFilterPolicy(filter, { body: '["a"]' })).toBe(false);
  });

  it("reads message attributes, not the body, in the default scope", () => {
    const filter = { policy: { AlarmName: ["a"] } };
    expect(matchesFilterPolicy(filter, body({ AlarmName: "a" }))).toBe(false);
    expect(
      matchesFilterPolicy(filter, {
        body: "anything",
        attributes: { AlarmName: { Type: "String", Value: "a" } },
      }),
    ).toBe(true);
    expect(
      matchesFilterPolicy(filter, {
        body: "anything",
        attributes: { AlarmName: { Type: "String.Array", Value: '["b","a"]' } },
      }),
    ).toBe(true);
  });

  it("applies prefix and exists", () => {
    const filter = {
      policy: { AlarmName: [{ prefix: "artai-" }], Trigger: [{ exists: false }] },
      scope: "MessageBody" as const,
    };
    expect(matchesFilterPolicy(filter, body({ AlarmName: "artai-x" }))).toBe(true);
    expect(matchesFilterPolicy(filter, body({ AlarmName: "other" }))).toBe(false);
    expect(matchesFilterPolicy(filter, body({ AlarmName: "artai-x", Trigger: {} }))).toBe(false);
  });

  it("refuses, by name, the operators it does not implement and malformed policies", () => {
    const scope = "MessageBody" as const;
    expect(() =>
      validateFilterPolicy({ policy: { AlarmName: [{ "anything-but": "x" }] }, scope }),
    ).toThrow(/operator "anything-but" at AlarmName is not supported/);
    expect(() =>
      validateFilterPolicy({ policy: { price: [{ numeric: [">", 1] }] }, scope }),
    ).toThrow(/"numeric"/);
    expect(() => validateFilterPolicy({ policy: { $or: [] }, scope })).toThrow(/\$or/);
    expect(() => validateFilterPolicy({ policy: { AlarmName: "x" }, scope })).toThrow(
      /must be a list/,
    );
    expect(() => validateFilterPolicy({ policy: { AlarmName: [] }, scope })).toThrow(/no values/);
    expect(() => validateFilterPolicy({ policy: { a: { b: ["c"] } } })).toThrow(
      /MessageBody scope/,
    );
    expect(() =>
      validateFilterPolicy({
        policy: { a: ["1"], b: ["1"], c: ["1"], d: ["1"], e: ["1"], f: ["1"] },
        scope,
      }),
    ).toThrow(/at most 5/);
    expect(() => validateFilterPolicy({ policy: { AlarmName: ["x"] }, scope })).not.toThrow();
  });
});
