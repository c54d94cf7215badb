import { describe, expect, it } from "vitest";
import { demoModeForStart, isDemoMode, refusesDemoPassword } from "./demo-mode";

describe("demo mode", () => {
  it("is on only for SWITCHBOARD_DEMO=1", () => {
    expect(isDemoMode({ SWITCHBOARD_DEMO: "1" })).toBe(true);
    for (const value of [undefined, "", "0", "true", "yes"]) expect(isDemoMode({ SWITCHBOARD_DEMO: value }), String(value)).toBe(false);
    expect(isDemoMode({ NODE_ENV: "production" })).toBe(false);
  });

  it("npm start turns it on for the embedded database unless told otherwise", () => {
    expect(demoModeForStart({}, "embedded").on).toBe(true);
    expect(demoModeForStart({ SWITCHBOARD_DEMO: "0" }, "embedded").on).toBe(false);
  });

  it("npm start leaves it off with a real database unless asked", () => {
    expect(demoModeForStart({}, "external").on).toBe(false);
    expect(demoModeForStart({ SWITCHBOARD_DEMO: "1" }, "external").on).toBe(true);
  });
});

describe("demo staff passwords", () => {
  it("are refused outside demo mode, and only they", () => {
    for (const pw of ["reviewer-demo", "auditor-demo", "admin-demo"]) {
      expect(refusesDemoPassword(pw, {}), pw).toBe(true);
      expect(refusesDemoPassword(pw, { SWITCHBOARD_DEMO: "0" }), pw).toBe(true);
      expect(refusesDemoPassword(pw, { SWITCHBOARD_DEMO: "1" }), pw).toBe(false);
    }
    expect(refusesDemoPassword("a-real-password-9f3", {})).toBe(false);
    expect(refusesDemoPassword("reviewer-demo ", {})).toBe(false);
  });
});
