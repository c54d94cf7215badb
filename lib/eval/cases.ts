import fs from "node:fs";
import { z } from "zod";
import { workerNameSchema, reviewKindSchema } from "../contracts";

export const evalCaseSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  message: z.string(),
  /** The kind of attack an adversarial case is (eval/adversarial.jsonl): reported, never scored. */
  family: z.string().optional(),
  expect: z.object({
    workers: z.array(workerNameSchema),
    outOfScope: z.boolean().optional(),
    smallTalk: z.boolean().optional(),
    credit: z.object({ status: z.enum(["applied", "pending_review", "none"]), cents: z.number().int().optional() }).optional(),
    planChange: z.object({ status: z.enum(["applied", "pending_review", "refused", "none"]), to: z.string().optional() }).optional(),
    dispatch: z.boolean().optional(),
    escalations: z.array(reviewKindSchema).optional(),
    mentions: z.array(z.string()).optional(),
    mustNotMention: z.array(z.string()).optional(),
    adversarial: z.boolean().optional(),
  }),
});
export type EvalCase = z.infer<typeof evalCaseSchema>;

/** Reads a JSONL file of cases; a bad line fails with its line number. */
export function readCases(file: string): EvalCase[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .map((l, i) => ({ l: l.trim(), n: i + 1 }))
    .filter((x) => x.l)
    .map(({ l, n }) => {
      const parsed = evalCaseSchema.safeParse(JSON.parse(l));
      if (!parsed.success) throw new Error(`${file}:${n}: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
      return parsed.data;
    });
}
