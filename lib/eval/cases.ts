import fs from "node:fs";
import { z } from "zod";
import { workerNameSchema, reviewKindSchema } from "../contracts";

/** What a case (or one turn of a conversation) states about its run. */
const expectSchema = z.object({
    workers: z.array(workerNameSchema),
    outOfScope: z.boolean().optional(),
    smallTalk: z.boolean().optional(),
    credit: z.object({ status: z.enum(["applied", "pending_review", "none"]), cents: z.number().int().optional() }).optional(),
    planChange: z.object({ status: z.enum(["applied", "pending_review", "refused", "none"]), to: z.string().optional() }).optional(),
    dispatch: z.boolean().optional(),
    escalations: z.array(reviewKindSchema).optional(),
    /** The customer takes back an action waiting for review: this turn's run withdrew it (and nothing else). */
    withdrawn: z.boolean().optional(),
    /** The run handed the conversation to a person (plan kind handoff): the customer asked for one, went in circles or is in distress. */
    handoff: z.boolean().optional(),
    mentions: z.array(z.string()).optional(),
    mustNotMention: z.array(z.string()).optional(),
    adversarial: z.boolean().optional(),
});

const common = {
  id: z.string().min(1),
  customerId: z.string().min(1),
  /** The kind of attack an adversarial case is (eval/adversarial.jsonl): reported, never scored. */
  family: z.string().optional(),
};

/** One message on a freshly seeded world: `{"id", "customerId", "message", "expect"}`. */
export const evalCaseSchema = z.object({ ...common, message: z.string(), expect: expectSchema });

/**
 * A conversation: `{"id", "customerId", "turns": [{"message", "expect"}, ...]}`. Its turns
 * run one after another in one conversation on one seeded world (no reset between
 * them), each scored like a single case against its own run.
 */
const evalConversationSchema = z
  .object({ ...common, turns: z.array(z.object({ message: z.string(), expect: expectSchema })).min(1).max(20) });

/**
 * What the evaluation runs and scores: one message. A conversation is read as its
 * turns, in order, each an EvalCase of its own (id `<id>#<n>`) that knows its place
 * (`conversation`), so scoring, tables and the settings trial work turn by turn.
 */
export type EvalCase = z.infer<typeof evalCaseSchema> & {
  conversation?: { id: string; turn: number; turns: number };
};

/** Reads a JSONL file of cases and conversations (turns flattened, in order); a bad line fails with its line number. */
export function readCases(file: string): EvalCase[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .map((l, i) => ({ l: l.trim(), n: i + 1 }))
    .filter((x) => x.l)
    .flatMap(({ l, n }) => {
      let json: unknown;
      try {
        json = JSON.parse(l);
      } catch (err) {
        throw new Error(`${file}:${n}: not JSON (${(err as Error).message})`);
      }
      const isConversation = typeof json === "object" && json !== null && "turns" in json;
      const parsed = isConversation ? evalConversationSchema.safeParse(json) : evalCaseSchema.safeParse(json);
      if (!parsed.success) throw new Error(`${file}:${n}: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
      if (!("turns" in parsed.data)) return [parsed.data];
      const { turns, ...conversation } = parsed.data;
      return turns.map((t, i) => ({
        ...conversation,
        id: `${conversation.id}#${i + 1}`,
        message: t.message,
        expect: t.expect,
        conversation: { id: conversation.id, turn: i + 1, turns: turns.length },
      }));
    });
}
