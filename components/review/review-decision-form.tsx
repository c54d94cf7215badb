"use client";

import { useActionState } from "react";
import { decideReviewAction, type DecisionActionResult } from "@/app/(console)/reviews/actions";
import { buttonStyles, inputStyles, labelStyles } from "@/components/ui/styles";

const ERRORS: Record<Extract<DecisionActionResult, { ok: false }>["error"], string> = {
  invalid_input: "The decision could not be read. Keep the note under 2,000 characters and try again.",
  unauthorized: "Your session has ended. Sign in again to decide.",
  forbidden: "Your role may not decide reviews.",
  not_found: "This review item no longer exists.",
  already_decided: "Someone else has already decided this item.",
};

/** Approve / reject with an optional note; the item leaves the queue once decided. */
export function ReviewDecisionForm({ reviewId }: { reviewId: string }) {
  const [state, action, pending] = useActionState(decideReviewAction, null);
  const noteId = `review-note-${reviewId}`;
  return (
    <form action={action} className="mt-4 border-t border-zinc-100 pt-4" data-testid="review-decision-form">
      <input type="hidden" name="reviewId" value={reviewId} />
      <label htmlFor={noteId} className={labelStyles}>
        Note <span className="font-normal text-zinc-500">(optional, shown on the audit trail)</span>
      </label>
      <textarea id={noteId} name="note" rows={2} maxLength={2000} className={`${inputStyles} mt-1.5`} data-testid="review-note" />
      <div className="mt-3 flex items-center gap-2">
        <button type="submit" name="decision" value="approve" disabled={pending} className={buttonStyles.approve} data-testid="review-approve">
          Approve
        </button>
        <button type="submit" name="decision" value="reject" disabled={pending} className={buttonStyles.reject} data-testid="review-reject">
          Reject
        </button>
        {pending ? <span className="text-sm text-zinc-500">Saving…</span> : null}
      </div>
      {state && !state.ok ? (
        <p role="alert" className="mt-3 text-sm text-red-700" data-testid="review-decision-error">
          {ERRORS[state.error]}
        </p>
      ) : null}
    </form>
  );
}
