import { describe, expect, it } from "vitest";
import { sideEffectCallsIn, sideEffectToolNames, toolDefinitions, toolProgress } from "./registry";

describe("tool registry", () => {
  it("derives the side-effecting tools from the definitions", () => {
    expect([...sideEffectToolNames].sort()).toEqual(["change_plan", "dispatch_technician", "issue_credit", "remote_reset"]);
  });

  it("words progress from each tool's own definition", () => {
    expect(toolProgress("issue_credit", { status: "needs_approval" }, false)).toBe("Sent a credit for approval");
    expect(toolProgress("check_outage", { outage: { id: "OUT-7" } }, false)).toBe("Found an outage in your area (OUT-7)");
    expect(toolProgress("find_discrepancies", { discrepancies: [{}, {}] }, false)).toBe("Found 2 billing issue(s)");
    for (const def of Object.values(toolDefinitions).flat()) expect(typeof def.progress({} as never)).toBe("string");
  });

  it("falls back to a neutral line for errors and for tools it does not define", () => {
    expect(toolProgress("issue_credit", { error: "internal" }, true)).toBe("issue_credit failed");
    expect(toolProgress("crm_lookup", { ok: true }, false)).toBe("Used crm_lookup");
    expect(toolProgress("toString", {}, false)).toBe("Used toString");
  });

  it("finds the side-effecting tools a JSON-RPC message or batch calls, and nothing else", () => {
    const call = (name: unknown) => ({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: {} } });
    expect(sideEffectCallsIn(call("change_plan"))).toEqual(["change_plan"]);
    expect(sideEffectCallsIn([call("list_plans"), call("issue_credit"), { method: "tools/list" }])).toEqual(["issue_credit"]);
    for (const other of [call("list_plans"), call("toString"), call(["change_plan"]), { method: "tools/list", params: { name: "change_plan" } }, null, "change_plan", 42, [], { method: "tools/call" }]) {
      expect(sideEffectCallsIn(other), JSON.stringify(other)).toEqual([]);
    }
  });
});
