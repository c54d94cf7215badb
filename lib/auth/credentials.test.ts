import { beforeAll, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { verifyStaffCredentials } from "./credentials";

const db = useTestDb();

describe("staff credential verification", () => {
  beforeAll(() => resetTestWorld(db));

  it("accepts the right password and returns the staff identity with its role", async () => {
    const result = await verifyStaffCredentials({ db }, { email: "reviewer@switchboard.local", password: "reviewer-demo" });
    expect(result).toMatchObject({ ok: true, staff: { email: "reviewer@switchboard.local", name: "Riley Reviewer", role: "reviewer" } });
  });

  it("normalises the email's case and surrounding spaces", async () => {
    const result = await verifyStaffCredentials({ db }, { email: "  Auditor@Switchboard.LOCAL ", password: "auditor-demo" });
    expect(result).toMatchObject({ ok: true, staff: { role: "auditor" } });
  });

  it("refuses a wrong password", async () => {
    const result = await verifyStaffCredentials({ db }, { email: "reviewer@switchboard.local", password: "reviewer-demo!" });
    expect(result).toEqual({ ok: false, error: "invalid_credentials" });
  });

  it("refuses an unknown email with the same answer as a wrong password", async () => {
    const result = await verifyStaffCredentials({ db }, { email: "nobody@switchboard.local", password: "reviewer-demo" });
    expect(result).toEqual({ ok: false, error: "invalid_credentials" });
  });

  it("refuses another account's password", async () => {
    const result = await verifyStaffCredentials({ db }, { email: "admin@switchboard.local", password: "reviewer-demo" });
    expect(result).toEqual({ ok: false, error: "invalid_credentials" });
  });

  it.each([
    ["no input", undefined],
    ["not an object", "reviewer@switchboard.local"],
    ["a malformed email", { email: "reviewer-at-switchboard", password: "reviewer-demo" }],
    ["an empty password", { email: "reviewer@switchboard.local", password: "" }],
    ["a password that is not a string", { email: "reviewer@switchboard.local", password: ["reviewer-demo"] }],
    ["an oversized password", { email: "reviewer@switchboard.local", password: "x".repeat(201) }],
  ])("reports malformed input (%s)", async (_label, input) => {
    expect(await verifyStaffCredentials({ db }, input)).toEqual({ ok: false, error: "invalid_input" });
  });

  it("gives no session to an account whose role the app does not know", async () => {
    const reviewer = await db.staffUser.findUniqueOrThrow({ where: { email: "reviewer@switchboard.local" } });
    await db.staffUser.create({ data: { email: "ghost@switchboard.local", name: "Ghost", role: "superuser", passwordHash: reviewer.passwordHash } });
    try {
      const result = await verifyStaffCredentials({ db }, { email: "ghost@switchboard.local", password: "reviewer-demo" });
      expect(result).toEqual({ ok: false, error: "invalid_credentials" });
    } finally {
      await db.staffUser.delete({ where: { email: "ghost@switchboard.local" } });
    }
  });
});
