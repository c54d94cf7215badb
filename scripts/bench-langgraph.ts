// The same 3-part workload through LangGraph's official supervisor
// (@langchain/langgraph-supervisor, createReactAgent workers, PostgresSaver), in the
// bench's process, offline: a scripted chat model with the same latency per call,
// tools with the same latency as Switchboard's tool calls took, and each worker
// replaying the model calls Switchboard's worker made for the message (same calls,
// same tool calls per step). The supervisor hands off the way its prebuilt graph does:
// one worker at a time (it binds its tools with parallel tool calls off, and keeps
// one handoff per turn), then answers.
import { randomUUID } from "node:crypto";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { tool } from "@langchain/core/tools";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { createSupervisor } from "@langchain/langgraph-supervisor";
import { z } from "zod";
import { sleep } from "../lib/backoff";

/** One worker's model calls, as Switchboard's worker made them: the tools each step calls, then its answer. */
export type WorkerScript = { name: string; steps: string[][]; answer: string };


/** A chat model that answers from a script after a fixed latency, counting its calls. */
class ScriptedChat extends BaseChatModel {
  calls = 0;
  constructor(
    private readonly latencyMs: number,
    private readonly next: (messages: BaseMessage[]) => AIMessage,
  ) {
    super({});
  }
  _llmType() {
    return "scripted";
  }
  // The prebuilt graphs bind their tools; the script already knows which it calls.
  bindTools() {
    return this;
  }
  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    this.calls++;
    await sleep(this.latencyMs);
    const message = this.next(messages);
    return { generations: [{ message, text: typeof message.content === "string" ? message.content : "" }] };
  }
}

export async function langGraphSupervisor(opts: { databaseUrl: string; latencyMs: number; toolMs: number; message: string; workers: WorkerScript[]; reply: string }) {
  const checkpointer = PostgresSaver.fromConnString(opts.databaseUrl);
  await checkpointer.setup();
  const models: ScriptedChat[] = [];
  // Per run: how far each worker is in its script, and which workers the supervisor handed off to.
  let progress = new Map<string, number>();
  let handedOff: string[] = [];
  const agents = opts.workers.map((w) => {
    const names = [...new Set(w.steps.flat())];
    const tools = names.map((name) =>
      tool(async () => (await sleep(opts.toolMs), JSON.stringify({ ok: true })), { name, description: `${name} (simulated)`, schema: z.object({}) }),
    );
    const llm = new ScriptedChat(opts.latencyMs, () => {
      const i = progress.get(w.name) ?? 0;
      progress.set(w.name, i + 1);
      if (i < w.steps.length) return new AIMessage({ content: "", tool_calls: w.steps[i].map((name) => ({ name, args: {}, id: randomUUID(), type: "tool_call" as const })) });
      return new AIMessage(w.answer);
    });
    models.push(llm);
    return createReactAgent({ llm, tools, name: w.name, prompt: `You are the ${w.name} worker.` });
  });
  const supervisorLlm = new ScriptedChat(opts.latencyMs, () => {
    const next = opts.workers.find((w) => !handedOff.includes(w.name));
    if (!next) return new AIMessage(opts.reply);
    handedOff.push(next.name);
    return new AIMessage({ content: "", tool_calls: [{ name: `transfer_to_${next.name}`, args: {}, id: randomUUID(), type: "tool_call" as const }] });
  });
  models.push(supervisorLlm);
  const graph = createSupervisor({ agents, llm: supervisorLlm, prompt: "You are the supervisor of a customer-service team." }).compile({ checkpointer });

  return {
    /** One message end to end: wall time, when the reply first existed, and the model calls made. */
    async run() {
      progress = new Map();
      handedOff = [];
      const before = models.reduce((s, m) => s + m.calls, 0);
      const t0 = performance.now();
      let replyAt = NaN;
      const stream = await graph.stream({ messages: [{ role: "user", content: opts.message }] }, { configurable: { thread_id: randomUUID() }, streamMode: "updates" });
      for await (const update of stream) {
        const sup = (update as Record<string, { messages?: BaseMessage[] }>).supervisor;
        const last = sup?.messages?.at(-1);
        if (Number.isNaN(replyAt) && last && AIMessage.isInstance(last) && !last.tool_calls?.length && last.content) replyAt = performance.now() - t0;
      }
      return { wallMs: performance.now() - t0, replyMs: replyAt, modelCalls: models.reduce((s, m) => s + m.calls, 0) - before, handoffs: handedOff.length };
    },
    close: () => checkpointer.end(),
  };
}
