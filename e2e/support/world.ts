import { createDb } from "../../lib/db/client";
import { resetWorld } from "../../lib/db/seed";
import { loadWorld } from "../../lib/world/fixture";
import { e2eDatabaseUrl } from "./env";

/** Restores the demo world and clears every run, for journeys that need a customer's charges uncredited. */
export async function resetE2eWorld(): Promise<void> {
  const db = createDb(e2eDatabaseUrl(), 2);
  try {
    await resetWorld(db, loadWorld());
  } finally {
    await db.$disconnect();
  }
}
