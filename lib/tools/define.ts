import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { anySignal } from "../contracts";
import { log } from "../log";
import type { ToolContext } from "./context";
import { ToolError } from "./errors";
import { InfrastructureError, withTransientRetry } from "../db/transient";
import { LeaseLostError } from "../db/run-lease";
import { CallAbandonedError } from "./ledger";

/**
 * One business tool: its schemas (deterministic input constraints) and `run`, which does
 * the runtime checks (ownership, existence, policy). `run` is a plain function, so the
 * orchestrator and tests can call it without MCP; servers register it with registerTools.
 */
export interface ToolDefinition<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  description: string;
  inputSchema: I;
  outputSchema: O;
  /** Tools with effects are idempotent under a key; the rest only read. */
  sideEffect: boolean;
  /** A short line for the chat's progress view once the tool has answered (the customer reads it). */
  progress(result: z.output<z.ZodObject<O>>): string;
  run(ctx: ToolContext, args: z.output<z.ZodObject<I>>): Promise<z.output<z.ZodObject<O>>>;
}

export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(def: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return def;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyToolDefinition = ToolDefinition<any, any>;

/** A tool's answer: the JSON as text (what models read) and as structured content. */
export function toolResult(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value) }], structuredContent: value };
}

/** The error code of a tool that could not reach its database after retries (infrastructure, not business). */
export const UNAVAILABLE = "unavailable";
/** The error code of a side effect refused because the run's executor was replaced (../db/run-lease): nothing was changed. */
export const LEASE_LOST = "lease_lost";

/** A tool error as JSON `{ error, message }`; unexpected errors are logged, never shown. */
export function toolErrorResult(err: unknown, tool: string): CallToolResult {
  let body: { error: string; message: string };
  if (err instanceof ToolError) {
    body = { error: err.code, message: err.message };
  } else if (err instanceof CallAbandonedError) {
    // Nobody reads this answer any more; it says what happened for the record.
    log.warn({ tool }, "tool call abandoned by its caller; its effect was rolled back");
    body = { error: "abandoned", message: err.message };
  } else if (err instanceof LeaseLostError) {
    // Not a business answer either: the executor that asked was replaced, and stops.
    log.warn({ tool, runId: err.runId }, "side effect refused: the run's executor was replaced");
    body = { error: LEASE_LOST, message: `${tool} was refused: this run is now handled elsewhere; nothing was changed` };
  } else if (err instanceof InfrastructureError) {
    // Not a business answer: the orchestrator fails the worker's attempt on this code
    // and the model never reads it. Whether an effect happened is unknown here; a
    // retry under the same idempotency key finds out from the ledger.
    log.warn({ err, tool }, "tool could not reach its database");
    body = { error: UNAVAILABLE, message: `${tool} could not reach its system; the outcome is unknown and will be retried` };
  } else {
    log.error({ err, tool }, "tool failed unexpectedly");
    body = { error: "internal", message: `${tool} failed unexpectedly; nothing was changed` };
  }
  return { content: [{ type: "text", text: JSON.stringify(body) }], isError: true };
}

/**
 * What `replayed` means on a side-effecting tool's answer (its schema's description, so a
 * hosted model reads it). The ledger's key holds the run and the task (or, outside a
 * run, the caller's own idempotency key), so a replayed answer is always this task's own
 * earlier call, never another run's: its effect is this task's, done once, and is told as
 * done. Another run's effect reaches a task only as a fresh answer such as already_booked.
 */
export const REPLAYED =
  "True when this call repeats one this same task already made (a retried or resumed attempt): the answer is that earlier call's, so its effect is your own and happened once; nothing was done again now.";

/**
 * Optional on every side-effecting tool: required when the call is not part of a run
 * (in process: tests and scripts), so that a retried request does not act twice. Over
 * HTTP a call outside a run never gets here: app/api/mcp serves such a caller the
 * read-only tools only.
 */
export const idempotencyKeyInput = z
  .string()
  .min(8)
  .max(200)
  .optional()
  .describe("Required outside a Switchboard run: a unique key per intended action; retrying with the same key never acts twice");

/** Registers each tool on the server, bound to this context (the authenticated customer). */
function registerTools(server: McpServer, ctx: ToolContext, defs: AnyToolDefinition[]): void {
  for (const def of defs) {
    server.registerTool(
      def.name,
      {
        description: def.description,
        inputSchema: z.object(def.inputSchema),
        outputSchema: z.object(def.outputSchema),
        annotations: def.sideEffect ? { readOnlyHint: false, idempotentHint: true } : { readOnlyHint: true },
      },
      async (args: unknown, extra: { signal?: AbortSignal }) => {
        // The request's signal aborts when the client cancels or the connection closes
        // (an in-process worker closes it when its attempt ends, e.g. on its timeout).
        const stop = anySignal([ctx.signal, extra?.signal]);
        const signal = stop.signal;
        try {
          // Transient database failures are retried under the same idempotency key, but
          // never once the caller has gone: a late retry would act after it gave up.
          return toolResult(await withTransientRetry(() => def.run({ ...ctx, signal }, args as Record<string, unknown>), { what: def.name, signal }));
        } catch (err) {
          return toolErrorResult(err, def.name);
        } finally {
          stop.clear();
        }
      },
    );
  }
}

/**
 * An MCP server for one business system with its tools bound to `ctx`. The errors the
 * SDK produces itself (invalid arguments, unknown tool) come back as its own plain
 * text; unwrapToolOutput (./tool-output) reads them as the same JSON `{ error, message }`
 * as the tools' own, so the orchestrator and the models see one error format.
 */
export function createToolServer(name: string, ctx: ToolContext, defs: AnyToolDefinition[], opts: ToolServerOptions = {}): McpServer {
  const server = new McpServer({ name, version: "1.0.0" });
  registerTools(server, ctx, opts.readOnly ? defs.filter((d) => !d.sideEffect) : defs);
  return server;
}

export type ToolServerOptions = {
  /**
   * Serve only the tools that change nothing: what a caller outside any run gets over
   * HTTP (app/api/mcp), since a side effect must belong to a run, which audits it.
   */
  readOnly?: boolean;
};
