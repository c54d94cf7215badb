// One error type for tools. Its code and message go back to the model as a JSON tool
// error; anything else thrown inside a tool is logged and reported as "internal"
// without details (database errors are never shown).

export type ToolErrorCode = "not_found" | "invalid_input" | "idempotency_key_required" | "internal";

export class ToolError extends Error {
  constructor(
    readonly code: ToolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ToolError";
  }
}

/** The same answer for "missing" and "someone else's": it must leak nothing. */
export function notFound(what: string, id: string): ToolError {
  return new ToolError("not_found", `${what} ${id} not found`);
}
