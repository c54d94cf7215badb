// Runs once when a Next.js server process starts: this process joins the pool of
// executors and resumes runs that a crashed process left behind.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || !process.env.DATABASE_URL) return;
  const { startBackgroundEngine } = await import("./lib/server/engine");
  startBackgroundEngine();
}
