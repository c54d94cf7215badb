import type { Metadata } from "next";
import { Forbidden } from "@/components/auth/forbidden";
import { NotBuiltYet } from "@/components/ui/not-built-yet";
import { PageHeader } from "@/components/ui/page-header";
import { AREA_ROLES } from "@/lib/auth/roles";
import { requireRole } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Audit trail" };

export default async function AuditPage() {
  const access = await requireRole(AREA_ROLES.audit, "/audit");
  if (!access.ok) return <Forbidden staff={access.staff} area="audit" />;
  return (
    <>
      <PageHeader title="Audit trail" description="The full delegation chain of every run, for auditors and compliance." />
      <NotBuiltYet
        feature="audit-trail browser"
        willShow={[
          "Every run with its customer, status, latency and token use; search and filters",
          "For one run: the input, the supervisor's plan and each worker invocation (input, tool calls, output, confidence, tokens, latency)",
          "Human reviews with who decided, when and why, and the final reply",
          "Export of a run, and proof that the record was not altered",
        ]}
      />
    </>
  );
}
