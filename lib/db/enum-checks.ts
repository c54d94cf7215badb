import type { InvocationStatus as DbInvocationStatus, ReviewKind as DbReviewKind, ReviewStatus as DbReviewStatus, RunStatus as DbRunStatus } from "../generated/prisma/client";
import type { InvocationStatus, ReviewKind, ReviewStatus, RunStatus } from "../contracts";

// The vocabularies lib/contracts declares for every layer (which may not import the
// generated Prisma client) are the database's enums: a type error here, at
// `tsc --noEmit`, when a migration adds or renames a value on one side only. Nothing
// imports this file; the type check reads it like any other.

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const runStatusMatchesDatabase: Same<RunStatus, DbRunStatus> = true;
export const reviewKindMatchesDatabase: Same<ReviewKind, DbReviewKind> = true;
export const invocationStatusMatchesDatabase: Same<InvocationStatus, DbInvocationStatus> = true;
export const reviewStatusMatchesDatabase: Same<ReviewStatus, DbReviewStatus> = true;
