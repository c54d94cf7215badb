import { describe, expect, it } from "vitest";
import { customerTokenError, staffAccessError } from "./errors";

describe("auth errors", () => {
  it("a failed customer token is unauthorized:<surface> with its reason and a Bearer challenge", async () => {
    const missing = customerTokenError({ error: "missing" }, "session").toResponse();
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain('error="invalid_request"');
    expect(await missing.json()).toMatchObject({ error: { code: "unauthorized:session", details: { reason: "customer_token_missing" } } });
    const expired = customerTokenError({ error: "expired" }, "run");
    expect(expired.headers["www-authenticate"]).toContain('error="invalid_token"');
    expect(expired.toBody().error).toMatchObject({ code: "unauthorized:run", details: { reason: "customer_token_expired" } });
  });

  it("no staff session is unauthorized, a wrong role forbidden", () => {
    expect(staffAccessError({ ok: false, error: "unauthorized", staff: null }, "review").code).toBe("unauthorized:review");
    const auditor = { id: "s1", email: "a@b.c", name: "A", role: "auditor" as const };
    const forbidden = staffAccessError({ ok: false, error: "forbidden", staff: auditor }, "review");
    expect(forbidden.code).toBe("forbidden:review");
    expect(forbidden.status).toBe(403);
  });
});
