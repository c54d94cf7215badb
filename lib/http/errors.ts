import { isDatabaseBusy } from "../db/transient";
import { log } from "../log";

// The one error vocabulary of the HTTP surface (every route handler under app/api).
// A code is "<type>:<surface>": the type says what went wrong and fixes the status,
// the surface says what it concerns. Every error answers with the same body:
//   { "error": { "code": "invalid_input:message", "message": "...", "details"?: ... } }
// Anything thrown that is not an ApiError becomes internal:<surface>, logged in full
// and shown to the client only as a generic sentence (never a database error), except
// a database too busy to answer in time: unavailable:<surface>, 503 with Retry-After.

/**
 * Status per type. Invalid input is 400, not 422: clients (the chat page, the e2e
 * specs, outside callers) treat 400 as "fix your request" and 422 would tell them
 * nothing more. bad_request is a request that cannot be read at all (not JSON, a
 * malformed header); invalid_input one that was read but failed validation.
 * method_not_allowed exists for the MCP endpoint, which the MCP spec has answer 405
 * to GET and DELETE when it is stateless. unsupported_media_type is a state-changing
 * request whose body is not declared application/json (lib/http/request-guard.ts).
 */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorType = keyof typeof ERROR_STATUS;
export type ErrorSurface = "run" | "message" | "conversation" | "review" | "mcp" | "session" | "health" | "origin" | "audit" | "usage" | "auth" | "stream";
export type ErrorCode = `${ErrorType}:${ErrorSurface}`;

/** One validation problem: where (a dotted path, "" for the whole body) and what. */
export type InputIssue = { path: string; message: string };

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

const NO_STORE = { "cache-control": "no-store" };

export class ApiError extends Error {
  readonly type: ErrorType;
  readonly surface: ErrorSurface;
  readonly status: number;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { details?: unknown; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ApiError";
    const [type, surface] = code.split(":") as [ErrorType, ErrorSurface];
    this.type = type;
    this.surface = surface;
    this.status = ERROR_STATUS[type];
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }

  toResponse(): Response {
    return Response.json(this.toBody(), { status: this.status, headers: { ...NO_STORE, ...this.headers } });
  }
}

/** Zod issues (or already flat ones) as `{ path, message }` with dotted paths. */
function inputIssues(issues: readonly { path: readonly PropertyKey[] | string; message: string }[]): InputIssue[] {
  return issues.map((i) => ({ path: typeof i.path === "string" ? i.path : i.path.map(String).join("."), message: i.message }));
}

/** invalid_input:<surface> listing the issues in the message and as `details.issues`. */
export function invalidInput(surface: ErrorSurface, issues: readonly { path: readonly PropertyKey[] | string; message: string }[]): ApiError {
  const flat = inputIssues(issues);
  const message = flat.map((i) => `${i.path || "body"}: ${i.message}`).join("; ") || "The request is not valid.";
  return new ApiError(`invalid_input:${surface}`, message, { details: { issues: flat } });
}

/** Seconds a client is asked to wait after a 503 for a busy database. */
export const BUSY_RETRY_AFTER_S = 2;

/**
 * The database could not do the work in time (a transaction that could not start or
 * outlived its timeout, a connection that kept failing): a 503 the caller may retry,
 * not a 500 that reads as a bug. Such a transaction rolled back whole.
 */
function databaseBusy(surface: ErrorSurface, cause?: unknown): ApiError {
  return new ApiError(`unavailable:${surface}`, "Switchboard's database is too busy to answer right now. Try again in a few seconds.", {
    headers: { "retry-after": String(BUSY_RETRY_AFTER_S) },
    cause,
  });
}

/**
 * The response for anything a handler threw: an ApiError answers as itself; a busy
 * database answers 503; any other error is logged and becomes a 500 that says
 * nothing about its cause.
 */
export function errorResponse(err: unknown, surface: ErrorSurface): Response {
  if (err instanceof ApiError) return err.toResponse();
  if (isDatabaseBusy(err)) {
    log.warn({ err, surface }, "database too busy for a request: answered 503");
    return databaseBusy(surface, err).toResponse();
  }
  log.error({ err, surface }, "route handler failed");
  return new ApiError(`internal:${surface}`, "Switchboard could not complete the request. Try again in a moment.").toResponse();
}

/** Wraps a route handler so that whatever it throws answers in the one error shape. */
export function withApiErrors<Args extends unknown[]>(
  surface: ErrorSurface,
  handler: (...args: Args) => Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args: Args) => {
    try {
      return await handler(...args);
    } catch (err) {
      return errorResponse(err, surface);
    }
  };
}
