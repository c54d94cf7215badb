import { readSynthesisPrompt } from "../../../contracts";
import type { Brain } from "../local-model";

// Words a worker's summary may start with that read naturally in lower case after
// a transition ("Also, your line..."); anything else (a name, "I") keeps its case
// and gets no transition.
const LOWERABLE = /^(Your|You|There|The|This|That|It|As|We|Our|Here|Unfortunately|Since|Because|No|Nothing|Moving|Switching|Good|Every|Today)\b/;

function withTransition(summary: string, index: number, count: number): string {
  if (index === 0 || !summary) return summary;
  const lead = index === count - 1 && count > 2 ? "Finally, " : "Also, ";
  if (/^I\b/.test(summary)) return lead + summary;
  return LOWERABLE.test(summary) ? lead + summary[0].toLowerCase() + summary.slice(1) : summary;
}

/**
 * Templated synthesis: one reply in one voice, the parts in the customer's order
 * joined by plain transitions, never a department label: the customer does not
 * need to know how many specialists were involved. It adds nothing that no worker
 * returned, and says plainly what could not be done and what a person will check.
 */
export const synthesisBrain: Brain = (input) => {
  const payload = readSynthesisPrompt(input.userText);
  if (!payload) return { kind: "text", text: "I'm sorry, something went wrong while preparing your answer. A member of our team will follow up." };
  const summaries = payload.parts.map((p) => p.summary.trim()).filter(Boolean);
  // A later part of a progressive reply continues the text the customer already has:
  // its transitions count the topics said before it, out of the whole reply's.
  const before = payload.progress?.before ?? 0;
  const total = payload.progress?.total ?? summaries.length;
  const paras = summaries.map((summary, i) => withTransition(summary, before + i, Math.max(total, before + summaries.length)));
  for (const f of payload.lowConfidence) {
    paras.push(`A specialist will double-check the ${f.title.toLowerCase()} part of this answer and follow up with you.`);
  }
  // A failed part that acted before it failed says what it did, then what is left; one
  // whose action was still committing says it is not confirmed yet, never "not done".
  const unconfirmed = payload.failures.filter((f) => f.unconfirmed);
  const settled = payload.failures.filter((f) => !f.unconfirmed);
  const [partly, none] = [settled.filter((f) => f.done?.length), settled.filter((f) => !f.done?.length)];
  for (const f of unconfirmed) {
    const done = f.done?.length ? ` This much is done: ${f.done.join(" ")}` : "";
    paras.push(`I couldn't confirm yet whether the ${f.title.toLowerCase()} part of your request went through.${done} A member of our team is checking it and will follow up with you.`);
  }
  for (const f of partly) {
    paras.push(`I couldn't finish the ${f.title.toLowerCase()} part of your request right now, but this much is done: ${f.done!.join(" ")} A member of our team has the details and will follow up with you on the rest.`);
  }
  if (none.length) {
    const names = none.map((f) => f.title.toLowerCase()).join(" and ");
    paras.push(`I couldn't complete the ${names} part of your request right now. I haven't guessed at it: a member of our team has the details and will follow up with you.`);
  }
  return { kind: "text", text: paras.join("\n\n") };
};
