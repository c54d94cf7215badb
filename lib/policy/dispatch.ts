import { fail, firstFailure, pass, type Guardrail } from "./guardrails";

export interface DispatchFacts {
  accountStatus: string;
  /** ok | degraded | down | suspended */
  lineStatus: string;
  fixableRemotely: boolean;
  activeOutage: { id: string; etaAt: string | null } | null;
  /** The outcome of a remote reset tried for this problem, if any. */
  remoteReset: "fixed" | "not_fixed" | null;
}

/**
 * A technician goes out only when the line is really at fault, nothing else explains it
 * and remote diagnosis failed: not on a suspended account, not on a healthy line, not
 * during an outage in the zone, not before a remote reset has failed (unless the line is
 * down for a fault a reset cannot reach).
 */
function dispatchGuardrails(f: DispatchFacts): Guardrail[] {
  const checks: Guardrail[] = [];
  checks.push(
    f.accountStatus === "suspended"
      ? fail("account_active", "The account is suspended: service must be restored before a technician visit")
      : pass("account_active", "The account is active"),
  );
  checks.push(
    f.lineStatus === "down" || f.lineStatus === "degraded"
      ? pass("line_faulty", `The line is ${f.lineStatus}`)
      : fail("line_faulty", `The line is ${f.lineStatus}: there is no line fault for a technician to fix`),
  );
  checks.push(
    f.activeOutage
      ? fail(
          "no_outage",
          `Outage ${f.activeOutage.id} in the zone explains the problem` + (f.activeOutage.etaAt ? ` (ETA ${f.activeOutage.etaAt})` : ""),
        )
      : pass("no_outage", "No active outage in the zone"),
  );
  const unreachable = f.lineStatus === "down" && !f.fixableRemotely;
  checks.push(
    f.remoteReset === "fixed"
      ? fail("remote_diagnosis_failed", "A remote reset fixed the line")
      : f.remoteReset === "not_fixed"
        ? pass("remote_diagnosis_failed", "A remote reset did not fix the line")
        : unreachable
          ? pass("remote_diagnosis_failed", "The line is down with a fault a remote reset cannot reach")
          : fail("remote_diagnosis_failed", "Try a remote reset first: dispatch only when it does not fix the line"),
  );
  return checks;
}

export function decideDispatch(f: DispatchFacts): { verdict: "dispatch" | "refused"; reason: string; checks: Guardrail[] } {
  const checks = dispatchGuardrails(f);
  const failed = firstFailure(checks);
  return failed
    ? { verdict: "refused", reason: failed.reason, checks }
    : { verdict: "dispatch", reason: "Remote diagnosis failed and nothing else explains the fault", checks };
}
