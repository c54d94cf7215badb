import { readSynthesisPrompt } from "../../../contracts";
import type { Brain } from "../local-model";

/**
 * Templated synthesis: joins the workers' summaries into one reply and says plainly
 * what could not be done. It adds nothing that no worker returned.
 */
export const synthesisBrain: Brain = (input) => {
  const payload = readSynthesisPrompt(input.userText);
  if (!payload) return { kind: "text", text: "I'm sorry, something went wrong while preparing your answer. A member of our team will follow up." };
  const paras: string[] = [];
  const many = payload.parts.length + payload.failures.length > 1;
  for (const p of payload.parts) paras.push(many ? `${p.title}: ${p.summary}` : p.summary);
  for (const f of payload.lowConfidence) {
    paras.push(`A specialist will double-check the ${f.title.toLowerCase()} part of this answer and follow up with you.`);
  }
  if (payload.failures.length) {
    const names = payload.failures.map((f) => f.title.toLowerCase()).join(" and ");
    paras.push(`I couldn't complete the ${names} part of your request right now. I haven't guessed at it: a member of our team has the details and will follow up with you.`);
  }
  return { kind: "text", text: paras.join("\n\n") };
};
