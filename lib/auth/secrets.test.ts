import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureAuthSecret } from "./secrets";

type Env = Record<string, string | undefined>;
const dirs: string[] = [];
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-secrets-"));
  dirs.push(dir);
  return path.join(dir, "data");
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe("ensureAuthSecret", () => {
  it("creates both secrets on first use and reuses them afterwards", () => {
    const dir = tempDir();
    const first: Env = {};
    expect(ensureAuthSecret({ env: first, dir }).map((s) => s.source)).toEqual(["created", "created"]);
    expect(first.AUTH_SECRET).toMatch(/^[\w-]{43}$/);
    expect(first.CUSTOMER_TOKEN_SECRET).toMatch(/^[\w-]{43}$/);
    expect(first.AUTH_SECRET).not.toBe(first.CUSTOMER_TOKEN_SECRET);
    expect(fs.statSync(path.join(dir, "auth-secret")).mode & 0o777).toBe(0o600);

    const second: Env = {};
    expect(ensureAuthSecret({ env: second, dir }).map((s) => s.source)).toEqual(["file", "file"]);
    expect(second).toEqual(first);
    expect(fs.readdirSync(dir).sort()).toEqual(["auth-secret", "customer-token-secret"]);
  });

  it("leaves secrets from the environment alone and writes no file for them", () => {
    const dir = tempDir();
    const env: Env = { AUTH_SECRET: "from-env" };
    const sources = ensureAuthSecret({ env, dir });
    expect(sources[0]).toEqual({ name: "AUTH_SECRET", source: "environment" });
    expect(env.AUTH_SECRET).toBe("from-env");
    expect(fs.existsSync(path.join(dir, "auth-secret"))).toBe(false);
  });

  it("refuses a file that holds no usable secret instead of signing with it", () => {
    const dir = tempDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "auth-secret"), "short\n");
    expect(() => ensureAuthSecret({ env: {}, dir })).toThrow(/no usable secret/);
  });
});
