import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

function runPiped(args: string[]): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["--import", "tsx", path.resolve("scripts/fixtures/large-output.ts"), ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    // A slow reader, like `| tail -1` on a busy machine: the pipe fills and Node buffers.
    p.stdout.pause();
    setTimeout(() => p.stdout.resume(), 300);
    p.stdout.on("data", (d) => (stdout += d));
    p.on("close", (code) => resolve({ stdout, code }));
  });
}

describe("a CLI's last line through a pipe", () => {
  it("is the JSON summary after a 5000-row table (more than the pipe and the reader buffer hold)", async () => {
    const { stdout, code } = await runPiped(["5000"]);
    expect(code).toBe(0);
    const last = stdout.trimEnd().split("\n").at(-1)!;
    expect(JSON.parse(last)).toEqual({ cases: 5000, done: true });
    expect(stdout.split("\n").filter((l) => l.includes("case-")).length).toBe(5000);
  });
});
