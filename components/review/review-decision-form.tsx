"use client";

import { useActionState, useState } from "react";
import { claimReviewAction, decideReviewAction, releaseReviewAction, type ClaimActionResult, type DecisionActionResult, type ReviewActionError } from "@/app/(console)/reviews/actions";
import { buttonStyles, inputStyles, labelStyles } from "@/components/ui/styles";
import type { ReviewKind } from "@/lib/contracts";

// The action's own refusals; every other one arrives worded by the use case
// (lib/reviews/refusals.ts), the same sentence the review API answers with.
const ACTION_ERRORS: Partial<Record<ReviewActionError, string>> = {
  invalid_input: "The decision could not be read: check the note and the answer.",
  unauthorized: "Your session has ended. Sign in again to decide.",
};

function ErrorLine({ state }: { state: DecisionActionResult | ClaimActionResult | null }) {
  if (!state || state.ok) return null;
  const issues = "issues" in state && state.issues?.length ? ` ${state.issues.map((i) => i.message).join(". ")}.` : "";
  return (
    <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-400" data-testid="review-decision-error" data-error={state.error}>
      {state.message ?? ACTION_ERRORS[state.error] ?? "Switchboard could not do that. Try again."}
      {state.error === "claimed_by_other" && state.claimedBy ? ` (${state.claimedBy})` : ""}
      {issues}
    </p>
  );
}

export interface ClaimView {
  byName: string;
  mine: boolean;
  until: string;
}

/** Claim, extend or release; an admin may release anyone's claim. */
export function ClaimPanel({ reviewId, version, claim, isAdmin }: { reviewId: string; version: number; claim: ClaimView | null; isAdmin: boolean }) {
  const [claimState, claimAction, claiming] = useActionState(claimReviewAction, null);
  const [releaseState, releaseAction, releasing] = useActionState(releaseReviewAction, null);
  const until = claim ? new Date(claim.until).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
  return (
    <div data-testid="review-claim-panel" data-claimed={claim ? (claim.mine ? "mine" : "other") : "none"}>
      <p className="text-sm text-zinc-700 dark:text-zinc-300" data-testid="review-claim-status">
        {claim ? (
          claim.mine ? (
            <>You hold this item until <span className="font-medium tabular-nums">{until}</span>.</>
          ) : (
            <><span className="font-medium">{claim.byName}</span> holds this item until <span className="tabular-nums">{until}</span>.</>
          )
        ) : (
          "Nobody holds this item. Claim it to decide: others then cannot."
        )}
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        {!claim || claim.mine ? (
          <form action={claimAction}>
            <input type="hidden" name="reviewId" value={reviewId} />
            <input type="hidden" name="expectedVersion" value={version} />
            <button type="submit" disabled={claiming} className={claim ? buttonStyles.secondary : buttonStyles.primary} data-testid="review-claim">
              {claim ? "Extend claim" : "Claim"}
            </button>
          </form>
        ) : null}
        {claim && (claim.mine || isAdmin) ? (
          <form action={releaseAction}>
            <input type="hidden" name="reviewId" value={reviewId} />
            <button type="submit" disabled={releasing} className={buttonStyles.ghost} data-testid="review-release">
              {claim.mine ? "Release" : `Release ${claim.byName}'s claim`}
            </button>
          </form>
        ) : null}
      </div>
      <ErrorLine state={claimState ?? releaseState} />
    </div>
  );
}

type Mode = "send_draft" | "send_edited" | "send_written";

/** The decision for the holder of the claim, shaped by the item's kind. */
export function ReviewDecisionForm({
  reviewId, version, kind, draft, actionLabel, canRetry = false,
}: { reviewId: string; version: number; kind: ReviewKind; draft: string | null; actionLabel: string | null; canRetry?: boolean }) {
  const [state, action, pending] = useActionState(decideReviewAction, null);
  const answers = kind === "low_confidence" || kind === "worker_failure" || kind === "handoff";
  const [mode, setMode] = useState<Mode>(kind === "low_confidence" && draft ? "send_draft" : "send_written");
  const [reply, setReply] = useState("");
  const choose = (m: Mode) => {
    setMode(m);
    setReply(m === "send_edited" ? (draft ?? "") : "");
  };
  const noteId = `review-note-${reviewId}`;
  return (
    <form action={action} data-testid="review-decision-form">
      <input type="hidden" name="reviewId" value={reviewId} />
      <input type="hidden" name="expectedVersion" value={version} />
      {answers ? (
        <fieldset className="mb-4">
          <legend className={labelStyles}>Answer to the customer</legend>
          {kind === "low_confidence" && draft ? (
            <div className="mt-2 inline-flex rounded-md p-0.5 ring-1 ring-zinc-300 dark:ring-zinc-700" role="radiogroup" aria-label="How to answer">
              {(
                [
                  ["send_draft", "Send the draft"],
                  ["send_edited", "Edit the draft"],
                  ["send_written", "Write an answer"],
                ] as const
              ).map(([m, l]) => (
                <button
                  key={m}
                  type="button"
                  role="radio"
                  aria-checked={mode === m}
                  onClick={() => choose(m)}
                  className={`rounded px-2.5 py-1 text-sm font-medium ${mode === m ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"}`}
                  data-testid={`review-mode-${m}`}
                >
                  {l}
                </button>
              ))}
            </div>
          ) : null}
          {mode === "send_draft" ? (
            <blockquote className="mt-2 rounded-md bg-zinc-50 p-3 text-sm text-zinc-800 ring-1 ring-zinc-200 dark:bg-zinc-950 dark:text-zinc-200 dark:ring-zinc-800" data-testid="review-draft">
              {draft}
            </blockquote>
          ) : (
            <textarea
              name="reply"
              rows={4}
              maxLength={4000}
              required
              value={reply}
              onChange={(e) => setReply(e.target.value)}
              className={`${inputStyles} mt-2`}
              placeholder={
                kind === "worker_failure"
                  ? "Answer the part the worker could not complete"
                  : kind === "handoff"
                    ? "Write to the customer: they asked for a person"
                    : "Write the answer the customer should get"
              }
              aria-label="Answer to the customer"
              data-testid="review-reply"
            />
          )}
        </fieldset>
      ) : null}
      <label htmlFor={noteId} className={labelStyles}>
        Note <span className="font-normal text-zinc-500 dark:text-zinc-400">(required to reject; staff only, on the audit trail)</span>
      </label>
      <textarea id={noteId} name="note" rows={2} maxLength={2000} className={`${inputStyles} mt-1.5`} data-testid="review-note" />
      <div className="mt-3 flex flex-wrap items-center gap-2">
        {answers ? (
          <>
            <button type="submit" name="decision" value={mode} disabled={pending} className={buttonStyles.approve} data-testid="review-send">
              Send to customer
            </button>
            {canRetry ? (
              <button type="submit" name="decision" value="retry" formNoValidate disabled={pending} className={buttonStyles.secondary} data-testid="review-retry">
                Retry the part
              </button>
            ) : null}
          </>
        ) : (
          <button type="submit" name="decision" value="approve" disabled={pending} className={buttonStyles.approve} data-testid="review-approve">
            Approve{actionLabel ? `: ${actionLabel}` : ""}
          </button>
        )}
        {kind === "handoff" ? null : (
          <button type="submit" name="decision" value="reject" disabled={pending} className={buttonStyles.reject} data-testid="review-reject">
            Reject
          </button>
        )}
        {pending ? <span className="text-sm text-zinc-500">{kind === "worker_failure" ? "Working…" : "Saving…"}</span> : null}
      </div>
      <ErrorLine state={state} />
    </form>
  );
}
