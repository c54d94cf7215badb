// Business time. Contract months, 30-day credit windows and slot lookups all read
// this clock, never Date.now() directly, so tests and the demo can pin it.

export interface Clock {
  now(): Date;
}

const systemClock: Clock = { now: () => new Date() };

/** A clock frozen at `iso` (a date like 2026-11-15 means noon UTC that day). */
export function fixedClock(iso: string): Clock {
  const at = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(at.getTime())) throw new Error(`Invalid clock date: ${iso}`);
  return { now: () => new Date(at) };
}

/**
 * The app's clock: SWITCHBOARD_BUSINESS_DATE pins it ("now" means the system clock);
 * unset, it is the demo world's asOf so the fixture's dates stay coherent.
 */
export function clockFromEnv(defaultDate: string): Clock {
  const v = process.env.SWITCHBOARD_BUSINESS_DATE ?? defaultDate;
  return v === "now" ? systemClock : fixedClock(v);
}

/** UTC calendar date (YYYY-MM-DD) of an instant. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Midnight UTC of a YYYY-MM-DD date, as Prisma stores @db.Date values. */
export function dateOnly(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}
