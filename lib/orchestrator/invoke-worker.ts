import { asSchema, generateText, jsonSchema, Output, stepCountIs, type ModelMessage, type ToolSet } from "ai";
import { anySignal, workerResultSchema, type SubTask, type WorkerResult } from "../contracts";
import { InfrastructureError, withTransientRetry } from "../db/transient";
import { modelFor } from "../models/registry";
import { LEASE_LOST, UNAVAILABLE } from "../tools/define";
import { fenceTransaction, isLeaseLost, LeaseLostError } from "../db/run-lease";
import { ownAccountOnly } from "../policy/account-scope";
import { sideEffectToolNames, toolProgress } from "../tools/registry";
import { unwrapToolOutput } from "../tools/tool-output";
import type { WorkerDefinition } from "../workers/worker";
import type { EngineDeps } from "./deps";
import type { NewRunEvent } from "./events";
import { loadTaskJournal, type JournalEntry, type ToolCallRow } from "./store";
import { aiTelemetry, inSpan } from "../telemetry/tracing";

/** A tool outcome the orchestrator acts on (approval requests come from tools, not from prose). */
export interface ObservedToolResult {
  toolCallId: string;
  tool: string;
  args: unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a tool's JSON answer, read field by field
  result: any;
  isError: boolean;
  /** Made by an earlier attempt of this task and handed to this one as what it already did. */
  replayed?: boolean;
}

export interface WorkerAttemptOutcome {
  result: WorkerResult;
  toolResults: ObservedToolResult[];
  tokensIn: number;
  tokensOut: number;
  modelCalls: number;
  model: string;
}

export interface AttemptContext {
  worker: WorkerDefinition;
  runId: string;
  customerId: string;
  /** The customer's whole message (the sub-task is only this worker's part of it). */
  customerMessage?: string;
  task: SubTask;
  invocationId: string;
  /**
   * No attempt of this task was started before this one, so none made a tool call or
   * an effect: there is no journal to read. (An attempt's invocation row commits before
   * its first tool call, so any earlier attempt would be counted.)
   */
  firstAttempt?: boolean;
  signal: AbortSignal;
  emit(event: NewRunEvent): Promise<void>;
  /**
   * Writes a tool call's row and the events that report its answer in one statement
   * (and announces them). Without it, the row and each event are written one by one.
   */
  recordToolCall?(row: ToolCallRow, events: NewRunEvent[]): Promise<void>;
}

/**
 * One attempt of one worker on one sub-task: its MCP tools, its model, a bounded
 * tool loop and a structured result.
 *
 * - What earlier attempts of this task did (a retry, or a run resumed after a crash)
 *   is replayed to the model as its own earlier tool calls, so it continues from
 *   there and its answer describes what this run did, not the state it left behind.
 * - Every tool call is recorded and announced as it happens, failed ones too.
 * - A tool that could not reach its database fails the attempt at once: the model
 *   never reads an infrastructure error as if it were a business answer.
 */
export async function runWorkerAttempt(deps: EngineDeps, ctx: AttemptContext): Promise<WorkerAttemptOutcome> {
  const worker = ctx.worker;
  const model = modelFor(deps.models, worker.name);
  const journal = ctx.firstAttempt ? [] : await loadTaskJournal(deps.db, { runId: ctx.runId, taskId: ctx.task.id, exceptInvocationId: ctx.invocationId });
  const observed: ObservedToolResult[] = journal.map((j) => ({
    toolCallId: j.id, tool: j.tool, args: j.args, result: j.result, isError: false, replayed: true,
  }));
  const infra = new AbortController();
  // The attempt's signal or an infrastructure failure (not AbortSignal.any: ../contracts/abort).
  const stop = anySignal([ctx.signal, infra.signal]);
  const conn = await deps.connectTools(worker.toolServer, {
    db: deps.db,
    clock: deps.clock,
    customerId: ctx.customerId,
    runId: ctx.runId,
    taskId: ctx.task.id,
    lease: deps.lease,
    policy: deps.runSettings?.settings.policy,
    // A tool call this attempt gave up on (timeout, run stopped) retries nothing and commits nothing.
    signal: stop.signal,
  });
  // A message aimed at another account (another customer id, "my neighbour's plan")
  // gets read-only tools: the tools act on the signed-in customer's account, so any
  // change made for it would land on the requester's own. Checked on the whole message
  // as well as the sub-task, since a planner may drop the other customer's id.
  const scope = [ctx.customerMessage, ctx.task.instruction].filter((t): t is string => !!t).map((t) => ownAccountOnly(t, ctx.customerId)).find((g) => g.verdict === "fail");
  const offered = scope ? Object.fromEntries(Object.entries(conn.tools).filter(([name]) => !sideEffectToolNames.has(name))) : conn.tools;
  let modelCalls = 0;
  const tools = recordedTools(deps, ctx, offered as typeof conn.tools, observed, infra);
  // A worker reads before it acts (policy: credit what find_discrepancies found, change
  // a plan that was quoted, dispatch after a line test): a fresh attempt's first step is
  // offered only the read-only tools, and the schemas it could not use are not sent.
  const readOnly = Object.keys(tools).filter((name) => !sideEffectToolNames.has(name));
  try {
    const res = await generateText({
      model,
      system: scope ? `${worker.instructions}\n\n${OTHER_ACCOUNT_NOTE}` : worker.instructions,
      // Only the sub-task (and what this task already did): never the rest of the conversation.
      messages: journalMessages(ctx.task.instruction, journal),
      tools,
      prepareStep: ({ stepNumber }) => (stepNumber === 0 && journal.length === 0 ? { activeTools: readOnly } : undefined),
      output: Output.object({ schema: workerResultSchema }),
      stopWhen: stepCountIs(worker.maxSteps),
      abortSignal: stop.signal,
      maxRetries: 0,
      onStepEnd: () => {
        modelCalls++;
      },
      ...aiTelemetry(`switchboard.worker.${worker.name}`, { runId: ctx.runId, worker: worker.name, taskId: ctx.task.id }),
    });
    // A model that finished without noticing the abort still answered without the tool's result.
    if (infra.signal.aborted) throw infra.signal.reason;
    return {
      result: res.output as WorkerResult,
      toolResults: observed,
      tokensIn: res.totalUsage.inputTokens ?? 0,
      tokensOut: res.totalUsage.outputTokens ?? 0,
      modelCalls,
      model: model.modelId,
    };
  } catch (err) {
    // The attempt was stopped because a tool's database was unreachable: say that, not "aborted".
    if (infra.signal.aborted) throw infra.signal.reason;
    throw err;
  } finally {
    stop.clear();
    await conn.close().catch(() => {});
  }
}

/** Told to a worker whose tools were made read-only because the message concerns another account. */
const OTHER_ACCOUNT_NOTE =
  "This request concerns an account other than the signed-in customer's. Change nothing: you can only act on the signed-in customer's own account. Say so plainly, and that the account holder must ask for changes to their own account themselves.";

/** The worker's prompt: its sub-task, then the tool calls earlier attempts already made, as its own turns. */
function journalMessages(instruction: string, journal: JournalEntry[]): ModelMessage[] {
  const messages: ModelMessage[] = [{ role: "user", content: instruction }];
  if (!journal.length) return messages;
  messages.push({
    role: "assistant",
    content: journal.map((j) => ({ type: "tool-call" as const, toolCallId: j.id, toolName: j.tool, input: j.args ?? {} })),
  });
  messages.push({
    role: "tool",
    content: journal.map((j) => ({
      type: "tool-result" as const,
      toolCallId: j.id,
      toolName: j.tool,
      output: { type: "json" as const, value: (j.result ?? null) as never },
    })),
  });
  return messages;
}

/**
 * The worker's MCP tools, each wrapped so that its call is announced, its answer
 * persisted and announced (with a progress line), and an infrastructure failure
 * stops the attempt before the model can read it.
 */
function recordedTools(deps: EngineDeps, ctx: AttemptContext, tools: ToolSet, observed: ObservedToolResult[], infra: AbortController): ToolSet {
  const wrapped: ToolSet = {};
  for (const [name, t] of Object.entries(tools)) {
    const execute = t.execute;
    if (!execute) {
      wrapped[name] = t;
      continue;
    }
    // Our own bookkeeping around the call (its events and its tool_calls row) is not the
    // tool's answer: if the database fails it, the attempt fails as infrastructure. Thrown
    // out of `execute` as it is, the AI SDK would hand it to the model as a tool error.
    // A write refused because the run's executor was replaced stops the attempt as it is:
    // this executor writes nothing more (../db/run-lease).
    const bookkeeping = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        const reason = isLeaseLost(err) ? err : new InfrastructureError(`${what} for ${name} failed: ${(err as Error).message ?? err}`, err);
        infra.abort(reason);
        throw reason;
      }
    };
    wrapped[name] = {
      ...t,
      inputSchema: leanSchema(t.inputSchema),
      execute: (input: unknown, options: Parameters<typeof execute>[1]) => inSpan("switchboard.tool", {
        "switchboard.run.id": ctx.runId, "switchboard.worker": ctx.worker.name, "switchboard.task.id": ctx.task.id,
        "switchboard.tool": name, "switchboard.tool.server": ctx.worker.toolServer, "switchboard.tool.call_id": options.toolCallId,
      }, async (span) => {
        const base = { taskId: ctx.task.id, worker: ctx.worker.name, toolCallId: options.toolCallId, tool: name };
        await bookkeeping("announcing the call", () => ctx.emit({ type: "tool_call", ...base, args: input ?? {} }));
        const started = Date.now();
        let output: unknown;
        let value: unknown;
        let isError: boolean;
        try {
          output = await execute(input as never, options);
          ({ value, isError } = unwrapToolOutput(output));
        } catch (err) {
          // The MCP call itself failed (transport down, server gone): recorded like any failed call.
          value = { error: "tool_call_failed", message: (err as Error).message ?? String(err) };
          const reason = new InfrastructureError(`${name} could not be called: ${(err as Error).message ?? err}`, err);
          infra.abort(reason);
          await recordCall(deps, ctx, name, input, value, true, Date.now() - started).catch(() => {});
          throw reason;
        }
        await deps.onBoundary?.(`before_record:${name}`, ctx.runId);
        if (isError && (value as { error?: string } | null)?.error === LEASE_LOST) {
          // The tool refused the effect: this executor was replaced. Nothing to record.
          const reason = new LeaseLostError(ctx.runId, deps.lease?.epoch ?? -1);
          infra.abort(reason);
          throw reason;
        }
        const unavailable = isError && (value as { error?: string } | null)?.error === UNAVAILABLE;
        const announced: NewRunEvent[] = [
          { type: "tool_result", ...base, result: value, isError },
          { type: "worker_partial", taskId: ctx.task.id, worker: ctx.worker.name, text: toolProgress(name, value, isError) },
        ];
        const recordToolCall = ctx.recordToolCall;
        if (!unavailable && recordToolCall) {
          // The row and the events that announce the answer, in one statement.
          const row = { invocationId: ctx.invocationId, server: ctx.worker.toolServer, tool: name, args: input ?? {}, result: value ?? null, isError, latencyMs: Date.now() - started };
          span.setAttribute("switchboard.tool.is_error", isError);
          await bookkeeping("recording and announcing the call", () => recordToolCall(row, announced));
          observed.push({ toolCallId: options.toolCallId, tool: name, args: input, result: value, isError });
        } else {
          await bookkeeping("recording the call", () =>
            withTransientRetry(() => recordCall(deps, ctx, name, input, value, isError, Date.now() - started), { what: `recording the ${name} call` }));
          if (unavailable) {
            const reason = new InfrastructureError(`${name} could not reach its system`);
            infra.abort(reason);
            throw reason;
          }
          span.setAttribute("switchboard.tool.is_error", isError);
          observed.push({ toolCallId: options.toolCallId, tool: name, args: input, result: value, isError });
          await bookkeeping("announcing the result", async () => {
            for (const e of announced) await ctx.emit(e);
          });
        }
        await deps.onBoundary?.(`after_tool:${name}`, ctx.runId);
        return output;
      }),
    } as typeof t;
  }
  return wrapped;
}

/**
 * A tool's input schema without the JSON Schema dialect marker (`$schema`) that the MCP
 * server's conversion adds: every worker call sends every offered schema, and no model
 * reads the marker. Validation stays the original schema's.
 */
function leanSchema(schema: Parameters<typeof asSchema>[0]) {
  const original = asSchema(schema);
  return jsonSchema(
    async () => {
      const { $schema: _marker, ...rest } = (await original.jsonSchema) as Record<string, unknown>;
      return rest;
    },
    original.validate ? { validate: (v) => original.validate!(v) } : undefined,
  );
}

async function recordCall(deps: EngineDeps, ctx: AttemptContext, tool: string, args: unknown, result: unknown, isError: boolean, latencyMs: number) {
  await deps.db.$transaction(async (tx) => {
    if (deps.lease) await fenceTransaction(tx, deps.lease);
    await tx.toolCall.create({
    data: {
      invocationId: ctx.invocationId,
      runId: ctx.runId,
      server: ctx.worker.toolServer,
      tool,
      args: (args ?? {}) as object,
      result: (result ?? null) as object,
      isError,
      latencyMs,
    },
    });
  });
}
