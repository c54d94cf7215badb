import type { Metadata } from "next";
import { Forbidden } from "@/components/auth/forbidden";
import { ReviewQueue } from "@/components/review/review-queue";
import { PageHeader } from "@/components/ui/page-header";
import { AREA_ROLES } from "@/lib/auth/roles";
import { requireRole } from "@/lib/auth/session";
import { listPendingReviews } from "@/lib/db/queries/reviews";

export const metadata: Metadata = { title: "Review queue" };

export default async function ReviewsPage() {
  const access = await requireRole(AREA_ROLES.reviews, "/reviews");
  if (!access.ok) return <Forbidden staff={access.staff} area="reviews" />;
  const items = await listPendingReviews();
  return (
    <>
      <PageHeader
        title="Review queue"
        description="Actions the agents may not take on their own: credits over the auto-credit limit, downgrades with a fee, answers below the confidence threshold and failed workers. Your decision lets the run finish."
      >
        <p className="text-sm text-zinc-500" data-testid="review-count">
          {items.length === 1 ? "1 item waiting" : `${items.length} items waiting`}
        </p>
      </PageHeader>
      <ReviewQueue items={items} now={new Date()} />
    </>
  );
}
