import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * What `npm run eval -- FILE --settings SETTINGS` prints as its summary line, run as
 * a user would run it (its own scratch database: DATABASE_URL as this process has it,
 * or none, then an embedded one).
 */
export async function evalSummary(file: string, settings: unknown): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-eval-"));
  const settingsFile = path.join(dir, "settings.json");
  fs.writeFileSync(settingsFile, JSON.stringify(settings));
  try {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/eval.ts", file, "--settings", settingsFile], {
      env: { ...process.env, LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    if (code !== 0) throw new Error(`npm run eval exited ${code}: ${err.slice(-2000)}`);
    return JSON.parse(out.trim().split("\n").at(-1)!);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
