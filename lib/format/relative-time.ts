/** "just now", "4 min ago", "3 h ago", "2 days ago": how long something has waited. */
export function formatAge(since: Date, now: Date): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000));
  if (seconds < 60) return "just now";
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return `${days} days ago`;
}

/** "45 min", "3 h 5 min", "2 d 4 h": the distance between a due time and now, either way. */
export function formatDueSpan(due: Date, now: Date): string {
  const m = Math.abs(Math.round((due.getTime() - now.getTime()) / 60_000));
  if (m >= 60 * 24) return `${Math.floor(m / 1440)} d ${Math.floor((m % 1440) / 60)} h`;
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`;
}

/** "due in 45 min" or "3 h 5 min overdue": where a review item stands against its due time. */
export function formatDue(due: Date, now: Date): string {
  const span = formatDueSpan(due, now);
  return due.getTime() - now.getTime() < -30_000 ? `${span} overdue` : `due in ${span}`;
}
