import { signOutAction } from "@/app/(auth)/actions";
import { ROLE_LABELS, type StaffIdentity } from "@/lib/auth/roles";
import { buttonStyles } from "@/components/ui/styles";

/** Who is signed in, with their role, and the sign-out control. */
export function UserMenu({ staff }: { staff: StaffIdentity }) {
  return (
    <div className="flex items-center gap-3" data-testid="user-menu">
      {/* On a phone the nav's links need the room: who is signed in stays for screen readers. */}
      <div className="text-right leading-tight max-sm:sr-only">
        <p className="text-sm font-medium text-zinc-900 dark:text-zinc-100" data-testid="user-name">
          {staff.name}
        </p>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          <span data-testid="user-role">{ROLE_LABELS[staff.role]}</span> · {staff.email}
        </p>
      </div>
      <form action={signOutAction}>
        <button type="submit" className={`${buttonStyles.secondary} shrink-0 whitespace-nowrap`} data-testid="sign-out">
          Sign out
        </button>
      </form>
    </div>
  );
}
