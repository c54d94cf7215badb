import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { log } from "../log";
import { InfrastructureError } from "../db/transient";
import { ApiError, BUSY_RETRY_AFTER_S, ERROR_STATUS, errorResponse, invalidInput, withApiErrors, type ErrorType } from "./errors";

afterEach(() => vi.restoreAllMocks());

describe("ApiError", () => {
  it.each(Object.entries(ERROR_STATUS) as [ErrorType, number][])("%s answers %i", (type, status) => {
    const err = new ApiError(`${type}:run`, "x");
    expect(err.status).toBe(status);
    expect(err.type).toBe(type);
    expect(err.surface).toBe("run");
  });

  it("answers with the one body shape, no-store, and its own headers", async () => {
    const res = new ApiError("not_found:run", "No such run.", { headers: { allow: "POST" } }).toResponse();
    expect(res.status).toBe(404);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("allow")).toBe("POST");
    expect(await res.json()).toEqual({ error: { code: "not_found:run", message: "No such run." } });

    const withDetails = new ApiError("conflict:review", "Already decided.", { details: { reason: "already_decided" } });
    expect(withDetails.toBody()).toEqual({ error: { code: "conflict:review", message: "Already decided.", details: { reason: "already_decided" } } });
  });
});

describe("invalidInput", () => {
  it("carries zod's issues as details, with dotted paths, and lists them in the message", () => {
    const parsed = z.object({ message: z.string().min(1, "message is empty"), meta: z.object({ n: z.number() }) }).safeParse({ message: "", meta: { n: "1" } });
    expect(parsed.success).toBe(false);
    const err = invalidInput("message", parsed.error!.issues);
    expect(err.code).toBe("invalid_input:message");
    expect(err.status).toBe(400);
    expect(err.details).toEqual({
      issues: [
        { path: "message", message: "message is empty" },
        { path: "meta.n", message: expect.any(String) },
      ],
    });
    expect(err.message).toContain("message: message is empty");
  });

  it("accepts flat issues and names the whole body when the path is empty", () => {
    const err = invalidInput("review", [{ path: "", message: "expected a JSON object" }]);
    expect(err.message).toBe("body: expected a JSON object");
    expect(err.details).toEqual({ issues: [{ path: "", message: "expected a JSON object" }] });
  });
});

describe("errorResponse and withApiErrors", () => {
  it("turns an unknown error into internal:<surface>, logged, with nothing of it shown", async () => {
    const logged = vi.spyOn(log, "error").mockImplementation(() => undefined);
    const dbError = new Error('column "secret" of relation "runs" does not exist (10.0.0.7:5432)');
    const res = errorResponse(dbError, "run");
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.code).toBe("internal:run");
    expect(JSON.stringify(body)).not.toContain("10.0.0.7");
    expect(body.error).not.toHaveProperty("details");
    expect(logged).toHaveBeenCalledWith({ err: dbError, surface: "run" }, expect.any(String));
  });

  it("answers a database too busy to answer with 503 and Retry-After, saying nothing of the cause", async () => {
    const warned = vi.spyOn(log, "warn").mockImplementation(() => undefined);
    const logged = vi.spyOn(log, "error").mockImplementation(() => undefined);
    const causes = [
      new InfrastructureError("run start failed 4 times: Connection terminated unexpectedly (10.0.0.7:5432)"),
      Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), { code: "P2028" }),
      Object.assign(new Error("Transaction API error: A commit cannot be executed on an expired transaction. The timeout for this transaction was 5000 ms, however 5346 ms passed."), { code: "P2028" }),
    ];
    for (const cause of causes) {
      const res = errorResponse(cause, "review");
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe(String(BUSY_RETRY_AFTER_S));
      expect(res.headers.get("cache-control")).toBe("no-store");
      const body = await res.json();
      expect(body.error.code).toBe("unavailable:review");
      expect(body.error.message).toMatch(/try again/i);
      expect(JSON.stringify(body)).not.toMatch(/10\.0\.0\.7|P2028|5346/);
    }
    expect(warned).toHaveBeenCalledTimes(causes.length);
    expect(logged).not.toHaveBeenCalled();
  });

  it("answers an ApiError as itself, without logging it", async () => {
    const logged = vi.spyOn(log, "error").mockImplementation(() => undefined);
    const res = errorResponse(new ApiError("forbidden:review", "No."), "review");
    expect(res.status).toBe(403);
    expect(logged).not.toHaveBeenCalled();
  });

  it("passes the handler's arguments and its response through", async () => {
    vi.spyOn(log, "error").mockImplementation(() => undefined);
    const handler = withApiErrors("run", async (req: Request, ctx: { params: Promise<{ id: string }> }) =>
      Response.json({ url: req.url, id: (await ctx.params).id }),
    );
    const ok = await handler(new Request("http://localhost/x"), { params: Promise.resolve({ id: "r1" }) });
    expect(await ok.json()).toEqual({ url: "http://localhost/x", id: "r1" });

    const failing = withApiErrors("health", async () => {
      throw new TypeError("boom");
    });
    const res = await failing();
    expect(res.status).toBe(500);
    expect((await res.json()).error.code).toBe("internal:health");
  });
});
