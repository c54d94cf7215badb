// Demo mode lets anyone on /chat pick a seeded customer and chat as them: Switchboard
// itself plays the host site and issues that customer's token. That is right for the
// zero-setup demo and wrong for any deployment, so it is on only when SWITCHBOARD_DEMO
// is exactly "1". `next start` alone, or any environment without the flag, is off.

/** Whether the demo customer picker (and the action behind it) is available. */
export function isDemoMode(env: Record<string, string | undefined> = process.env): boolean {
  return env.SWITCHBOARD_DEMO === "1";
}

export type DemoDecision = { on: boolean; why: string };

/**
 * What `npm start` sets SWITCHBOARD_DEMO to: an explicit value wins; otherwise demo mode
 * is on for the embedded zero-setup database (no DATABASE_URL) and off for a real one.
 */
export function demoModeForStart(env: Record<string, string | undefined>, dbKind: "embedded" | "external"): DemoDecision {
  const flag = env.SWITCHBOARD_DEMO;
  if (flag === "1") return { on: true, why: "SWITCHBOARD_DEMO=1" };
  if (flag !== undefined && flag !== "") return { on: false, why: `SWITCHBOARD_DEMO=${flag}` };
  return dbKind === "embedded"
    ? { on: true, why: "zero-setup start with the embedded database; set SWITCHBOARD_DEMO=0 to turn it off" }
    : { on: false, why: "DATABASE_URL is set; set SWITCHBOARD_DEMO=1 to turn it on" };
}

/** The demo staff passwords the seed uses when no SEED_*_PASSWORD is set (README, "Demo accounts"). */
const DEMO_STAFF_PASSWORDS: readonly string[] = ["reviewer-demo", "auditor-demo", "admin-demo"];

/**
 * Whether a correct password must still be refused: outside demo mode a demo password
 * is public knowledge (it is in the README), so an account that still has one would be
 * open to anyone. Its holder is told to have a real password set.
 */
export function refusesDemoPassword(password: string, env: Record<string, string | undefined> = process.env): boolean {
  return !isDemoMode(env) && DEMO_STAFF_PASSWORDS.includes(password);
}
