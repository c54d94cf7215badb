import type { WorkerResult } from "../../../contracts";
import type { Brain } from "../local-model";
import { analyseRequest, classifyIntents, namesAnotherBusiness } from "../nlu";
import { call, calls, combineConfidence, finish, latest, OWN_ACCOUNT_ONLY, refuseOutOfScope, withheld } from "./common";

const WIFI_STEPS =
  "Try these steps: restart the router, move it to a central, open spot away from walls and appliances, use the 5 GHz network near the router, and use a wired connection or a mesh extender for rooms far from it.";

function when(iso: string | null | undefined): string {
  if (!iso) return "as soon as possible";
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 10)} at ${d.toISOString().slice(11, 16)} UTC`;
}

/** The technical support worker's decisions: test, outage, reset, then dispatch. */
export const techSupportBrain: Brain = (input) => {
  const text = input.userText;
  const scope = classifyIntents(text).scores.tech_support;
  const req = analyseRequest(text);
  if (scope < 0.15 && !req.asksOutage && !req.wantsTechnician && !req.mentionsWifi) {
    return refuseOutOfScope("technical support", "connectivity, outages, equipment and technician visits");
  }
  const test = latest(input.results, "run_line_test");
  const outageCheck = latest(input.results, "check_outage");
  // Independent look-ups go out together, as parallel tool calls.
  if (!test && !outageCheck) return calls(["run_line_test"], ["check_outage"]);
  if (!test) return call("run_line_test");
  if (!outageCheck) return call("check_outage");

  const raw = test.value ?? {};
  const line = { ...raw, status: raw.lineStatus ?? raw.status };
  const outage = outageCheck.value?.outage ?? null;
  const result: WorkerResult = { status: "done", summary: "", facts: [], actions: [], confidence: 0 };
  result.facts.push(`Line status ${line.status}, ${line.downMbps ?? 0} Mbps down, ${line.packetLossPct ?? 0}% packet loss`);
  const scopeScore = Math.max(scope, 0.7);

  if (line.accountStatus === "suspended" || line.status === "suspended") {
    result.summary =
      "Your internet service is suspended because the account has an overdue balance, not because of a fault on the line. Once the overdue amount is paid, service is restored.";
    result.facts.push("Account suspended");
    result.confidence = combineConfidence(scopeScore, 0.92);
    return finish(result);
  }
  if (outage) {
    result.summary = `There is an active outage in your area (${outage.id}): ${String(outage.summary).replace(/\.$/, "")}. Service is expected back by ${when(outage.etaAt)}. No technician visit is needed; your line will recover when the repair is done.`;
    result.facts.push(`Outage ${outage.id} in zone ${outage.zone}`);
    result.confidence = combineConfidence(scopeScore, 0.95);
    return finish(result);
  }

  const unhealthy = line.status === "degraded" || line.status === "down";
  // A reset or a visit only for a task that says, in words we can point at, that the
  // service is in trouble (or asks for a visit or about an outage), and never for one
  // about another business's things: "my car won't start" misread as ours must not send
  // a technician. The classifier's score alone is no such report: "turn off the living
  // room lights" scores as ours, and a down line on that account would have booked a visit.
  const troubleReported =
    req.reportsServiceDown || req.reportsSlowOrUnstable || req.wantsTechnician || req.asksOutage || req.mentionsEquipmentLights || req.mentionsWifi || req.mentionsOutage;
  if (unhealthy && (!troubleReported || namesAnotherBusiness(text))) {
    result.summary = `Your line currently tests ${line.status} (${line.packetLossPct ?? 0}% packet loss). I haven't changed anything; tell me if your internet isn't working and I'll try a remote reset and, if needed, book a technician.`;
    result.confidence = combineConfidence(scopeScore, 0.6);
    return finish(result);
  }
  if (!unhealthy) {
    result.summary = `Your fiber line tests healthy (${line.downMbps} Mbps down, ${line.packetLossPct}% packet loss, ${line.latencyMs ?? "?"} ms), so the slowdown is most likely in your home Wi-Fi. ${WIFI_STEPS}`;
    if (req.wantsTechnician) result.summary += " Because the line itself is fine, a technician visit wouldn't help here.";
    result.confidence = combineConfidence(scopeScore, 0.88);
    return finish(result);
  }

  if (withheld(input, "remote_reset")) {
    // The message is about someone else's line: this customer's own is not reset for it.
    result.status = "refused";
    result.summary = `${OWN_ACCOUNT_ONLY} Your own line currently tests ${line.status}.`;
    result.confidence = combineConfidence(scopeScore, 0.9);
    return finish(result);
  }
  const reset = latest(input.results, "remote_reset");
  if (!reset) return call("remote_reset");
  if (reset.isError || reset.value?.error) {
    // The reset never ran: it neither fixed nor failed to fix the line, and a visit
    // needs a reset that did not help first. Say so, and leave it to a person.
    result.status = "needs_review";
    result.summary = `Your line is ${line.status} (${line.packetLossPct ?? 0}% packet loss). I tried to run a remote reset, but it couldn't be carried out just now, so nothing on your line was changed and no technician has been booked yet. I've passed this to our team to follow up.`;
    result.actions.push({ type: "remote_reset", status: "failed", description: `Remote reset could not be run: ${reset.value?.error ?? "error"}` });
    result.confidence = combineConfidence(scopeScore, 0.3);
    return finish(result);
  }
  if (reset.value?.status === "fixed") {
    const after = reset.value.line ?? {};
    result.summary = `I found a fault on your line (${line.status}, ${line.packetLossPct}% packet loss) and fixed it with a remote reset; it now tests at ${after.downMbps ?? "full"} Mbps.`;
    result.actions.push({ type: "remote_reset", status: "applied", description: "Remote reset fixed the line" });
    result.confidence = combineConfidence(scopeScore, 0.92);
    return finish(result);
  }
  if (reset.value?.status === "no_fault") {
    // The line was faulty when tested and is healthy by the time of the reset: it
    // recovered, or another conversation of this customer's fixed it first. No reset
    // ran here, so this run fixed nothing: say what is true now.
    const after = reset.value.line ?? {};
    result.summary = `Your line tests healthy now (${after.downMbps ?? "full"} Mbps down, ${after.packetLossPct ?? 0}% packet loss). It was ${line.status} when I first tested it, but it had recovered by the time I went to reset it, so no reset was needed and I haven't changed anything. If it's still slow or drops again, tell me and I'll look again.`;
    result.facts.push(`Line tests healthy now, ${after.downMbps ?? "?"} Mbps down`);
    result.confidence = combineConfidence(scopeScore, 0.88);
    return finish(result);
  }
  result.actions.push({ type: "remote_reset", status: "applied", description: "Remote reset did not fix the line" });

  const dispatch = latest(input.results, "dispatch_technician");
  if (!dispatch) return call("dispatch_technician", { reason: `Line ${line.status} after remote reset; no outage in zone` });
  const v = dispatch.value ?? {};
  if (v.status === "booked") {
    result.summary = `Your line is ${line.status} and a remote reset didn't fix it, and there's no outage in your area, so I've booked a technician visit for ${when(v.slot?.startsAt)} (${v.slot?.id}).`;
    result.actions.push({ type: "dispatch", status: "applied", description: `Technician booked ${v.slot?.id}` });
    result.confidence = combineConfidence(scopeScore, 0.93);
  } else if (v.status === "already_booked") {
    // A visit booked before this call (an earlier request, or another conversation of
    // this customer's that got there first): a fact about the line, not this run's booking.
    result.summary = `Your line is ${line.status} and a remote reset didn't fix it, and there's no outage in your area. A technician is already booked for ${when(v.slot?.startsAt)} (${v.slot?.id}), so I haven't booked a second visit.`;
    result.facts.push(`Technician visit already booked: ${v.slot?.id} at ${when(v.slot?.startsAt)}`);
    result.confidence = combineConfidence(scopeScore, 0.93);
  } else {
    result.status = "needs_review";
    const why = dispatch.isError || v.error ? "our booking system couldn't be reached just now" : (v.reason ?? "no free slot in your area");
    result.summary = `Your line is ${line.status} and a remote reset didn't fix it. I couldn't book a technician automatically (${why}), so a member of our team will arrange a visit with you.`;
    result.actions.push({ type: "dispatch", status: "refused", description: v.reason ?? v.status ?? "not booked" });
    result.confidence = combineConfidence(scopeScore, 0.45);
  }
  return finish(result);
};
