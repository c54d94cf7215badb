import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, parseQueueParams, queueHref } from "./queue-params";

const id = "0b7c3c1e-4f5a-4d3b-9a51-2f7f6a1c9e10";

describe("queue params", () => {
  it("reads filters, sort and cursor, and ignores what does not parse", () => {
    const after = encodeCursor({ v: 1764000000000.5, id });
    expect(parseQueueParams({ kind: "downgrade_fee", worker: "billing", customer: "C-1002", overdue: "1", mine: "1", sort: "amount", after })).toEqual({
      filters: { kind: "downgrade_fee", worker: "billing", customerId: "C-1002", overdue: true, mine: true },
      sort: "amount",
      after: { v: 1764000000000.5, id },
    });
    expect(parseQueueParams({ kind: "refund", customer: "'; drop", sort: "random", after: "garbage", overdue: "yes" })).toEqual({
      filters: { kind: undefined, worker: undefined, customerId: undefined, overdue: false, mine: false },
      sort: "due",
      after: null,
    });
  });

  it("round-trips a cursor and refuses a forged one", () => {
    expect(decodeCursor(encodeCursor({ v: 42, id }))).toEqual({ v: 42, id });
    expect(decodeCursor(Buffer.from(JSON.stringify({ v: "1 OR 1=1", id })).toString("base64url"))).toBeNull();
  });

  it("builds links that keep the view and restart paging when a filter changes", () => {
    const params = parseQueueParams({ kind: "credit_over_limit", sort: "oldest", after: encodeCursor({ v: 1, id }) });
    expect(queueHref(params, { overdue: "1" })).toBe("/reviews?kind=credit_over_limit&overdue=1&sort=oldest");
    expect(queueHref(params, { kind: undefined })).toBe("/reviews?sort=oldest");
    expect(queueHref(params, { after: "abc" })).toBe("/reviews?kind=credit_over_limit&sort=oldest&after=abc");
  });
});
