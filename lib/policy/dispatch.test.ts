import { describe, expect, it } from "vitest";
import { decideDispatch, type DispatchFacts } from "./dispatch";

const cut: DispatchFacts = { accountStatus: "active", lineStatus: "down", fixableRemotely: false, activeOutage: null, remoteReset: null };

describe("decideDispatch", () => {
  it("dispatches for a down line a reset cannot reach, with no outage (C-1004)", () => {
    const d = decideDispatch(cut);
    expect(d.verdict).toBe("dispatch");
    expect(d.checks.every((c) => c.verdict === "pass")).toBe(true);
  });

  it("refuses during an active outage in the zone (C-1003)", () => {
    const d = decideDispatch({ ...cut, activeOutage: { id: "OUT-77", etaAt: "2026-11-15T22:00:00.000Z" } });
    expect(d.verdict).toBe("refused");
    expect(d.reason).toContain("OUT-77");
  });

  it("requires a failed remote reset for a degraded line", () => {
    const degraded = { ...cut, lineStatus: "degraded", fixableRemotely: true };
    expect(decideDispatch(degraded)).toMatchObject({ verdict: "refused" });
    expect(decideDispatch({ ...degraded, remoteReset: "not_fixed" }).verdict).toBe("dispatch");
    expect(decideDispatch({ ...degraded, remoteReset: "fixed" }).verdict).toBe("refused");
  });

  it("refuses on a healthy line (C-1010) and on a suspended account (C-1008)", () => {
    expect(decideDispatch({ ...cut, lineStatus: "ok", fixableRemotely: true }).verdict).toBe("refused");
    const s = decideDispatch({ ...cut, accountStatus: "suspended", lineStatus: "suspended" });
    expect(s.verdict).toBe("refused");
    expect(s.reason).toContain("suspended");
  });
});
