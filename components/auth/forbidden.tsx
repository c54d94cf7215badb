import Link from "next/link";
import { AREA_ROLES, ROLE_LABELS, type StaffArea, type StaffIdentity } from "@/lib/auth/roles";
import { buttonStyles, cardStyles } from "@/components/ui/styles";

const AREA_NAMES: Record<StaffArea, string> = { reviews: "review queue", audit: "audit trail", usage: "usage dashboard", settings: "settings" };

/** The view a signed-in staff member gets on a page their role may not open. */
export function Forbidden({ staff, area }: { staff: StaffIdentity; area: StaffArea }) {
  const allowed = AREA_ROLES[area].map((r) => `${ROLE_LABELS[r].toLowerCase()}s`).join(" and ");
  return (
    <section data-testid="forbidden" className={`${cardStyles} mx-auto max-w-xl p-8 text-center`}>
      <p className="text-sm font-semibold text-red-600">403 · Forbidden</p>
      <h1 className="mt-2 text-xl font-semibold tracking-tight text-zinc-900">You do not have access to the {AREA_NAMES[area]}</h1>
      <p className="mt-3 text-sm leading-6 text-zinc-600">
        You are signed in as <span className="font-medium text-zinc-900">{staff.name}</span> ({ROLE_LABELS[staff.role]}). The{" "}
        {AREA_NAMES[area]} is open to {allowed}. Ask an administrator if you need access.
      </p>
      <div className="mt-6">
        <Link href="/" className={buttonStyles.secondary}>
          Back to home
        </Link>
      </div>
    </section>
  );
}
