import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

// The import-direction rules of eslint.config.mjs, checked on in-memory snippets placed
// at paths inside lib/. The imported modules are real files (the layer rule resolves
// each import to a file first), so a case names its target and checks it still exists.

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BOUNDARY_RULES = new Set(["import/no-restricted-paths", "no-restricted-imports", "no-console", "import-x/no-cycle"]);

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The boundary findings for `code` linted as if it were the file `filePath`. */
async function boundaryFindings(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  const fatal = result.messages.filter((m) => m.fatal);
  expect(fatal, "the snippet must parse").toEqual([]);
  return result.messages.filter((m) => m.ruleId && BOUNDARY_RULES.has(m.ruleId)).map((m) => ({ rule: m.ruleId, message: m.message }));
}

const exists = (target: string) =>
  ["", ".ts", ".tsx", "/index.ts"].some((ext) => fs.existsSync(path.join(ROOT, target + ext)));

type Case = { from: string; imports: string; target?: string };

const upward: Array<Case & { rule: string }> = [
  { from: "lib/orchestrator/probe.ts", imports: "../models/local", target: "lib/models/local", rule: "import/no-restricted-paths" },
  { from: "lib/orchestrator/probe.ts", imports: "@/lib/models/local", target: "lib/models/local", rule: "import/no-restricted-paths" },
  { from: "lib/orchestrator/probe.ts", imports: "../reviews/decision-input", target: "lib/reviews/decision-input", rule: "import/no-restricted-paths" },
  { from: "lib/models/local/probe.ts", imports: "../../orchestrator/engine", target: "lib/orchestrator/engine", rule: "import/no-restricted-paths" },
  { from: "lib/models/probe.ts", imports: "@/lib/orchestrator/engine", target: "lib/orchestrator/engine", rule: "import/no-restricted-paths" },
  { from: "lib/workers/probe.ts", imports: "../orchestrator/engine", target: "lib/orchestrator/engine", rule: "import/no-restricted-paths" },
  { from: "lib/workers/probe.test.ts", imports: "../orchestrator/engine", target: "lib/orchestrator/engine", rule: "import/no-restricted-paths" },
  { from: "lib/tools/probe.ts", imports: "../auth/roles", target: "lib/auth/roles", rule: "import/no-restricted-paths" },
  { from: "lib/tools/probe.ts", imports: "../auth/customer-session", target: "lib/auth/customer-session", rule: "import/no-restricted-paths" },
  { from: "lib/tokens/probe.ts", imports: "../auth/roles", target: "lib/auth/roles", rule: "import/no-restricted-paths" },
  { from: "lib/db/probe.ts", imports: "../orchestrator/engine", target: "lib/orchestrator/engine", rule: "import/no-restricted-paths" },
  { from: "lib/jobs/probe.ts", imports: "../settings/trial", target: "lib/settings/trial", rule: "import/no-restricted-paths" },
  { from: "lib/db/queries/probe.ts", imports: "@/components/ui/styles", target: "components/ui/styles", rule: "import/no-restricted-paths" },
  { from: "lib/contracts/probe.ts", imports: "../db/client", target: "lib/db/client", rule: "import/no-restricted-paths" },
  { from: "lib/contracts/probe.ts", imports: "@/lib/money", target: "lib/money", rule: "import/no-restricted-paths" },
  { from: "lib/policy/probe.ts", imports: "../../test/db", target: "test/db", rule: "import/no-restricted-paths" },
  { from: "lib/orchestrator/probe.ts", imports: "next/headers", rule: "no-restricted-imports" },
  { from: "lib/chat/probe.ts", imports: "react", rule: "no-restricted-imports" },
  { from: "lib/contracts/probe.ts", imports: "pino", rule: "no-restricted-imports" },
  // Inside the features layer: use cases apart, auth above http, nothing imports the composition.
  { from: "lib/http/probe.ts", imports: "../auth/roles", target: "lib/auth/roles", rule: "import/no-restricted-paths" },
  { from: "lib/auth/probe.ts", imports: "@/lib/chat/history", target: "lib/chat/history", rule: "import/no-restricted-paths" },
  { from: "lib/chat/probe.ts", imports: "../reviews/review-detail", target: "lib/reviews/review-detail", rule: "import/no-restricted-paths" },
  { from: "lib/eval/probe.ts", imports: "../settings/admin", target: "lib/settings/admin", rule: "import/no-restricted-paths" },
  { from: "lib/chat/probe.ts", imports: "../widget/turn", target: "lib/widget/turn", rule: "import/no-restricted-paths" },
  { from: "lib/usage/probe.ts", imports: "../server/app-process", target: "lib/server/app-process", rule: "import/no-restricted-paths" },
  { from: "lib/format/probe.ts", imports: "../http/errors", target: "lib/http/errors", rule: "import/no-restricted-paths" },
  // The shells: scripts use lib only, components call actions but not pages or routes.
  { from: "scripts/probe.ts", imports: "../test/db", target: "test/db", rule: "import/no-restricted-paths" },
  { from: "scripts/probe.ts", imports: "@/components/ui/styles", target: "components/ui/styles", rule: "import/no-restricted-paths" },
  { from: "components/probe.tsx", imports: "@/app/(console)/reviews/page", target: "app/(console)/reviews/page.tsx", rule: "import/no-restricted-paths" },
  { from: "app/probe.ts", imports: "../e2e/support/db", target: "e2e/support/db", rule: "import/no-restricted-paths" },
];

const allowed: Case[] = [
  { from: "lib/orchestrator/probe.ts", imports: "../workers/registry", target: "lib/workers/registry" },
  { from: "lib/orchestrator/probe.ts", imports: "@/lib/models/registry", target: "lib/models/registry" },
  { from: "lib/orchestrator/probe.ts", imports: "./events", target: "lib/orchestrator/events" },
  { from: "lib/chat/probe.ts", imports: "../orchestrator/events", target: "lib/orchestrator/events" },
  { from: "lib/models/local/probe.ts", imports: "../../tools/tool-output", target: "lib/tools/tool-output" },
  { from: "lib/tools/probe.ts", imports: "../tokens/customer-token", target: "lib/tokens/customer-token" },
  { from: "lib/workers/probe.test.ts", imports: "../../test/db", target: "test/db" },
  { from: "lib/workers/probe.test.ts", imports: "../models/registry", target: "lib/models/registry" },
  { from: "lib/db/probe.ts", imports: "../world/fixture", target: "lib/world/fixture" },
  { from: "lib/contracts/probe.ts", imports: "zod" },
  { from: "lib/auth/probe.ts", imports: "next/navigation" },
  { from: "lib/server/probe.ts", imports: "next-auth" },
  { from: "app/probe.ts", imports: "@/lib/models/local", target: "lib/models/local" },
  { from: "lib/settings/probe.ts", imports: "../eval/evaluate", target: "lib/eval/evaluate" },
  { from: "lib/widget/probe.ts", imports: "../chat/ui-stream", target: "lib/chat/ui-stream" },
  { from: "lib/auth/probe.ts", imports: "../http/errors", target: "lib/http/errors" },
  { from: "lib/server/probe.ts", imports: "../settings/trial-job", target: "lib/settings/trial-job" },
  { from: "components/probe.tsx", imports: "@/app/(console)/reviews/actions", target: "app/(console)/reviews/actions" },
  { from: "scripts/probe.ts", imports: "../lib/db/scratch", target: "lib/db/scratch" },
];

describe("import boundaries (eslint.config.mjs)", () => {
  it.each(upward)("$from may not import $imports", async ({ from, imports, target, rule }) => {
    if (target) expect(exists(target), `${target} moved: update this case`).toBe(true);
    const findings = await boundaryFindings(from, `import "${imports}";\n`);
    expect(findings.map((f) => f.rule)).toEqual([rule]);
  });

  it.each(allowed)("$from may import $imports", async ({ from, imports, target }) => {
    if (target) expect(exists(target), `${target} moved: update this case`).toBe(true);
    expect(await boundaryFindings(from, `import "${imports}";\n`)).toEqual([]);
  });

  it("forbids console in lib/ and app/ but not in scripts/ or tests", async () => {
    const code = `console.log("hello");\n`;
    expect((await boundaryFindings("lib/orchestrator/probe.ts", code)).map((f) => f.rule)).toEqual(["no-console"]);
    expect((await boundaryFindings("app/probe.ts", code)).map((f) => f.rule)).toEqual(["no-console"]);
    expect(await boundaryFindings("scripts/probe.ts", code)).toEqual([]);
    expect(await boundaryFindings("lib/orchestrator/probe.test.ts", code)).toEqual([]);
  });

  it("catches type-only imports too", async () => {
    const findings = await boundaryFindings("lib/workers/probe.ts", `import type { EngineDeps } from "../orchestrator/deps";\nexport type X = EngineDeps;\n`);
    expect(findings.map((f) => f.rule)).toEqual(["import/no-restricted-paths"]);
  });

  it("forbids a cycle inside one layer, through a relative or an @/ import", async () => {
    // lib/tools/billing/issue-credit.ts imports ../define: define.ts importing it back closes a cycle.
    expect(exists("lib/tools/billing/issue-credit")).toBe(true);
    for (const imports of ["./billing/issue-credit", "@/lib/tools/billing/issue-credit"]) {
      const findings = await boundaryFindings("lib/tools/define.ts", `import "${imports}";\nexport {};\n`);
      expect(findings.map((f) => f.rule), imports).toEqual(["import-x/no-cycle"]);
    }
    // Importing it without the way back is fine.
    expect(await boundaryFindings("lib/tools/probe.ts", `import "./billing/issue-credit";\nexport {};\n`)).toEqual([]);
  });
});
