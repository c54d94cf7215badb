import { z } from "zod";

export const REVIEW_KINDS = ["credit_over_limit", "downgrade_fee", "low_confidence", "worker_failure"] as const;
export const reviewKindSchema = z.enum(REVIEW_KINDS);
export type ReviewKind = z.infer<typeof reviewKindSchema>;
