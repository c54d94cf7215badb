import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

// `npm start` must work on a fresh machine with no configuration, yet sessions and
// customer tokens must be signed with a real secret that survives restarts. When the
// variable is unset, a random secret is created once under .data/ (git-ignored) and
// reused from then on. A secret set in the environment always wins.

const SECRETS = [
  { env: "AUTH_SECRET", file: "auth-secret" },
  { env: "CUSTOMER_TOKEN_SECRET", file: "customer-token-secret" },
] as const;

export type SecretSource = { name: string; source: "environment" | "file" | "created"; file?: string };

function readOrCreate(file: string): { value: string; created: boolean } {
  // Written to a temporary file and hard-linked into place: link() fails with EEXIST
  // if the file is there already, so two processes starting at once agree on one
  // secret and neither can read a half-written file.
  const value = randomBytes(32).toString("base64url");
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, value, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
    return { value, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const existing = fs.readFileSync(file, "utf8").trim();
  if (existing.length < 32) throw new Error(`${file} holds no usable secret: delete it to have a new one created`);
  return { value: existing, created: false };
}

/**
 * Fills AUTH_SECRET and CUSTOMER_TOKEN_SECRET in `env` from files in `dir` when unset,
 * creating the files on first use. Returns where each secret came from (never the value).
 */
export function ensureAuthSecret(opts: { env?: Record<string, string | undefined>; dir?: string } = {}): SecretSource[] {
  const env = opts.env ?? process.env;
  const dir = path.resolve(opts.dir ?? ".data");
  return SECRETS.map(({ env: name, file }) => {
    if (env[name]) return { name, source: "environment" as const };
    fs.mkdirSync(dir, { recursive: true });
    const full = path.join(dir, file);
    const { value, created } = readOrCreate(full);
    env[name] = value;
    return { name, source: created ? ("created" as const) : ("file" as const), file: full };
  });
}
