import { describe, expect, it } from "vitest";
import { AREA_ROLES, areasFor, checkAccess, type StaffIdentity } from "./roles";

const staff = (role: StaffIdentity["role"]): StaffIdentity => ({ id: "u1", email: `${role}@switchboard.local`, name: role, role });

describe("role checks", () => {
  it("calls a missing session unauthorized", () => {
    expect(checkAccess(null, AREA_ROLES.reviews)).toEqual({ ok: false, error: "unauthorized", staff: null });
  });

  it("calls a wrong role forbidden and keeps who it was", () => {
    expect(checkAccess(staff("auditor"), AREA_ROLES.reviews)).toMatchObject({ ok: false, error: "forbidden", staff: { role: "auditor" } });
  });

  it.each([
    ["reviewer", "reviews"],
    ["admin", "reviews"],
    ["auditor", "audit"],
    ["admin", "audit"],
    ["admin", "usage"],
    ["admin", "settings"],
  ] as const)("lets a %s into %s", (role, area) => {
    expect(checkAccess(staff(role), AREA_ROLES[area]).ok).toBe(true);
  });

  it.each([
    ["reviewer", "audit"],
    ["reviewer", "usage"],
    ["auditor", "reviews"],
    ["auditor", "usage"],
    ["reviewer", "settings"],
    ["auditor", "settings"],
  ] as const)("keeps a %s out of %s", (role, area) => {
    expect(checkAccess(staff(role), AREA_ROLES[area]).ok).toBe(false);
  });

  it("shows each role only the areas it may open", () => {
    expect(areasFor("reviewer").map((a) => a.area)).toEqual(["reviews"]);
    expect(areasFor("auditor").map((a) => a.area)).toEqual(["audit"]);
    expect(areasFor("admin").map((a) => a.area)).toEqual(["reviews", "audit", "usage", "settings"]);
  });
});
