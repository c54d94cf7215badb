import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { verifyCustomerToken } from "@/lib/tokens/customer-token";

// The action runs outside a Next request here: next/headers, next/cache and the
// customer lookup are stand-ins, so what is tested is the action's own decision.
const jar = new Map<string, { value: string; options: Record<string, unknown> }>();
vi.mock("next/headers", () => ({
  cookies: async () => ({ set: (name: string, value: string, options: Record<string, unknown>) => jar.set(name, { value, options }), delete: (name: string) => jar.delete(name) }),
  headers: async () => new Headers(),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("@/lib/db/queries/customers", () => ({
  getChatCustomer: async ({ id }: { id: string }) => (id === "C-1001" ? { id, name: "Dana Reyes", status: "active", planName: "Fiber 500" } : null),
}));

const { selectCustomerAction } = await import("./actions");

function pick(customerId: string) {
  const form = new FormData();
  form.set("customerId", customerId);
  return selectCustomerAction(null, form);
}

describe("selectCustomerAction", () => {
  const saved = process.env.SWITCHBOARD_DEMO;
  beforeEach(() => jar.clear());
  afterEach(() => {
    if (saved === undefined) delete process.env.SWITCHBOARD_DEMO;
    else process.env.SWITCHBOARD_DEMO = saved;
  });

  it("refuses with demo mode off and sets no cookie", async () => {
    for (const value of [undefined, "0", "true"]) {
      if (value === undefined) delete process.env.SWITCHBOARD_DEMO;
      else process.env.SWITCHBOARD_DEMO = value;
      expect(await pick("C-1001"), String(value)).toEqual({ ok: false, error: "demo_off" });
    }
    expect(jar.size).toBe(0);
  });

  it("with demo mode on, issues that customer's token in an httpOnly cookie", async () => {
    process.env.SWITCHBOARD_DEMO = "1";
    expect(await pick("C-1001")).toEqual({ ok: true });
    const cookie = jar.get("sb_customer");
    expect(cookie?.options).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/" });
    expect(await verifyCustomerToken(cookie?.value)).toMatchObject({ ok: true, customerId: "C-1001" });
    expect(await pick("C-9999")).toEqual({ ok: false, error: "not_found" });
    expect(await pick("admin")).toEqual({ ok: false, error: "invalid_input" });
  });
});
