import type { Metadata } from "next";
import { Forbidden } from "@/components/auth/forbidden";
import { NotBuiltYet } from "@/components/ui/not-built-yet";
import { PageHeader } from "@/components/ui/page-header";
import { AREA_ROLES } from "@/lib/auth/roles";
import { requireRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Usage" };

export default async function UsagePage() {
  const access = await requireRole(AREA_ROLES.usage, "/usage");
  if (!access.ok) return <Forbidden staff={access.staff} area="usage" />;
  return (
    <>
      <PageHeader title="Usage" description="What the agents cost and how they perform, for operators." />
      <NotBuiltYet
        feature="usage dashboard"
        willShow={[
          "Token use and cost per worker and per request, with alerts on anomalies",
          "Latency per worker and per run (p50 and p95)",
          "Worker cache hit rate and failure rate",
          "Worker and policy settings",
        ]}
      />
    </>
  );
}
