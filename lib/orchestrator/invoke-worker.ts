import { generateText, Output, stepCountIs } from "ai";
import { modelFor } from "../models/registry";
import type { WorkerDefinition } from "../workers/worker";
import { workerResultSchema, type SubTask, type WorkerResult } from "../contracts";
import type { EngineDeps } from "./deps";
import type { NewRunEvent } from "./events";
import { toolProgress } from "../tools/registry";
import { unwrapToolOutput } from "../tools/tool-output";

/** A tool outcome the orchestrator acts on (approval requests come from tools, not from prose). */
export interface ObservedToolResult {
  toolCallId: string;
  tool: string;
  args: unknown;
  result: any;
  isError: boolean;
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
  task: SubTask;
  invocationId: string;
  signal: AbortSignal;
  emit(event: NewRunEvent): Promise<void>;
}

/**
 * One attempt of one worker on one sub-task: its MCP tools, its model, a bounded
 * tool loop and a structured result. Tool calls are persisted and announced as they
 * finish so the UI can show partial progress.
 */
export async function runWorkerAttempt(deps: EngineDeps, ctx: AttemptContext): Promise<WorkerAttemptOutcome> {
  const worker = ctx.worker;
  const model = modelFor(deps.models, worker.name);
  const conn = await deps.connectTools(worker.toolServer, {
    db: deps.db,
    clock: deps.clock,
    customerId: ctx.customerId,
    runId: ctx.runId,
    taskId: ctx.task.id,
  });
  const observed: ObservedToolResult[] = [];
  let modelCalls = 0;
  // Announcements of calls that have just started; chained so they land before the results.
  let announced = Promise.resolve();
  try {
    const res = await generateText({
      model,
      system: worker.instructions,
      // Only the sub-task: the worker never sees the rest of the conversation.
      prompt: ctx.task.instruction,
      tools: conn.tools,
      output: Output.object({ schema: workerResultSchema }),
      stopWhen: stepCountIs(worker.maxSteps),
      abortSignal: ctx.signal,
      maxRetries: 0,
      onToolExecutionStart: (e: any) => {
        const call = e.toolCall ?? {};
        announced = announced.then(() =>
          ctx.emit({ type: "tool_call", taskId: ctx.task.id, worker: worker.name, toolCallId: call.toolCallId, tool: call.toolName, args: call.input ?? {} }),
        );
      },
      onStepEnd: async (step: any) => {
        modelCalls++;
        await announced;
        for (const tr of (step.toolResults ?? []) as any[]) {
          const { value, isError } = unwrapToolOutput(tr.output);
          const item: ObservedToolResult = { toolCallId: tr.toolCallId, tool: tr.toolName, args: tr.input, result: value, isError };
          observed.push(item);
          await deps.db.toolCall.create({
            data: {
              invocationId: ctx.invocationId,
              runId: ctx.runId,
              server: worker.toolServer,
              tool: item.tool,
              args: (item.args ?? {}) as object,
              result: (value ?? null) as object,
              isError,
            },
          });
          await ctx.emit({ type: "tool_result", taskId: ctx.task.id, worker: worker.name, toolCallId: item.toolCallId, tool: item.tool, result: value, isError });
          await ctx.emit({ type: "worker_partial", taskId: ctx.task.id, worker: worker.name, text: describeToolResult(item) });
          await deps.onBoundary?.(`after_tool:${item.tool}`, ctx.runId);
        }
      },
    });
    return {
      result: res.output as WorkerResult,
      toolResults: observed,
      tokensIn: res.totalUsage.inputTokens ?? 0,
      tokensOut: res.totalUsage.outputTokens ?? 0,
      modelCalls,
      model: model.modelId,
    };
  } finally {
    await conn.close().catch(() => {});
  }
}

/** A short progress line for the chat UI while a worker is still going (worded by the tool's definition). */
export function describeToolResult(r: ObservedToolResult): string {
  return toolProgress(r.tool, r.result, r.isError);
}
