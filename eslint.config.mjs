import Module, { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

// --- TypeScript 6 for typescript-eslint ---------------------------------------------
// The project compiles and type-checks with TypeScript 7 (the native compiler), which
// ships no JavaScript compiler API yet; typescript-eslint (pulled in by
// eslint-config-next) needs that API and refuses to load on 7.x. Microsoft's advice
// is to run TypeScript 6 side by side for such tools. @typescript/typescript6@6.0.1
// depends on `typescript@^6`, which npm nests under it (the root `typescript` is 7),
// so `tsc` stays TypeScript 7. Here, and only for the lint packages listed, a
// `require("typescript")` is answered with that TypeScript 6. Remove this once
// typescript-eslint supports TypeScript 7 (typescript-eslint/typescript-eslint#10940).
const require = createRequire(import.meta.url);
const typescript6 = require.resolve("@typescript/typescript6");
const LINT_PACKAGES = /[\\/]node_modules[\\/](?:@typescript-eslint|typescript-eslint|ts-api-utils|eslint-plugin-import|eslint-plugin-import-x)[\\/]/;
const HOOKED = Symbol.for("switchboard.eslint.typescript6");
if (!Module[HOOKED]) {
  Module[HOOKED] = true;
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    if (request === "typescript" && parent?.filename && LINT_PACKAGES.test(parent.filename)) return typescript6;
    return resolveFilename.call(this, request, parent, ...rest);
  };
}
// Imported only after the hook is in place.
const { default: nextCoreWebVitals } = await import("eslint-config-next/core-web-vitals");
const { default: nextTypescript } = await import("eslint-config-next/typescript");
const { importX } = await import("eslint-plugin-import-x");
const { createTypeScriptImportResolver } = await import("eslint-import-resolver-typescript");

// --- Which way imports point (docs/ARCHITECTURE.md, "Which way imports point") ---------
//   shells    app/, components/, scripts/, e2e/, test/, root files: may import anything below
//   features  lib/chat, lib/widget, lib/reviews, lib/audit, lib/usage, lib/eval, lib/settings, lib/format, lib/http,
//             and the web glue lib/auth, lib/server (the only lib/ folders that may use next)
//   core      lib/orchestrator
//             lib/workers, lib/tools, lib/policy
//   provider  lib/models (reaches the core as a dependency; lib/models/local is private)
//   bottom    lib/db, lib/jobs (the background job runner), lib/world, lib/contracts, lib/generated, lib/clock.ts,
//             lib/money.ts, lib/stats.ts, lib/backoff.ts, lib/log.ts, lib/telemetry, lib/tokens (the customer token)
// An import points down, or sideways within its own folder; never up.
//
// The layer rule is import/no-restricted-paths (eslint-plugin-import, which
// eslint-config-next already brings): it resolves every specifier to a file first, so
// "@/lib/orchestrator/engine", "../orchestrator/engine" and "../../../orchestrator/engine"
// are the same import, and lib/orchestrator/store/reviews.ts is not mistaken for
// lib/reviews. Package bans (next, react) are plain no-restricted-imports.
// A new folder in lib/ must be added to one of the lists below.

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const SHELLS = ["app", "components", "scripts", "e2e"];
const FEATURES = ["lib/chat", "lib/widget", "lib/reviews", "lib/audit", "lib/usage", "lib/eval", "lib/settings", "lib/format", "lib/http", "lib/auth", "lib/server"];
const ORCHESTRATOR = ["lib/orchestrator"];
const CORE = ["lib/workers", "lib/tools", "lib/policy"];
const MODELS = ["lib/models"];
const BOTTOM = ["lib/db", "lib/jobs", "lib/world", "lib/generated", "lib/clock.ts", "lib/money.ts", "lib/stats.ts", "lib/backoff.ts", "lib/log.ts", "lib/telemetry", "lib/tokens"];
const CONTRACTS = ["lib/contracts"];
const ALL_LIB = [...FEATURES, ...ORCHESTRATOR, ...CORE, ...MODELS, ...BOTTOM];

// Inside the features layer, an order too (top to bottom), so no cycle forms:
//   lib/server                                  composition: wires the app, may use every feature
//   lib/chat lib/widget lib/reviews lib/audit   use cases: independent of each other, but for
//   lib/usage lib/settings lib/eval             the declared edges in USE_CASE_EDGES
//   lib/auth                                    who is asking: sessions, tokens, roles, run access
//   lib/http lib/format                         request hygiene, errors, limits; formatting
const SERVER = "lib/server";
const USE_CASES = ["lib/chat", "lib/widget", "lib/reviews", "lib/audit", "lib/usage", "lib/settings", "lib/eval"];
const USE_CASE_EDGES = {
  "lib/widget": ["lib/chat"], // the widget is the chat's view for a host page
  "lib/settings": ["lib/eval"], // a settings trial runs the evaluation on the draft
};
const FEATURE_BASE = ["lib/http", "lib/format"];

function featureZones() {
  return [
    { target: FEATURES.filter((f) => f !== SERVER), from: SERVER, message: "lib/server wires the app together: nothing in the features layer imports it." },
    ...USE_CASES.map((f) => ({
      target: f,
      from: USE_CASES.filter((g) => g !== f && !(USE_CASE_EDGES[f] ?? []).includes(g)),
      message: `${f} must not import another use-case folder (declared edges: USE_CASE_EDGES in eslint.config.mjs).`,
    })),
    { target: ["lib/auth", ...FEATURE_BASE], from: USE_CASES, message: "lib/auth, lib/http and lib/format sit below the use cases." },
    { target: FEATURE_BASE, from: "lib/auth", message: "lib/http and lib/format sit below lib/auth (auth's errors live in lib/auth/errors.ts)." },
    { target: "lib/http", from: "lib/format", message: "lib/http and lib/format are independent." },
    { target: "lib/format", from: "lib/http", message: "lib/http and lib/format are independent." },
  ];
}

// The shells: pages and routes (app/) use components and lib; components use lib and
// may call server actions (app/**/actions.ts), never a page or a route; scripts use lib
// only. test/ helpers are for tests, e2e/ is the browser suite: no shell imports them.
const shellZones = () => [
  { target: ["app", "components", "scripts"], from: ["e2e", "test"], message: "test/ and e2e/ are for the test suites: app/, components/ and scripts/ must not import them." },
  { target: ["app", "components", "lib"], from: "scripts", message: "scripts/ are command-line entry points: nothing imports them." },
  { target: "components", from: "app/**", except: [`${ROOT}/app/**/actions.ts`], message: "components/ may call server actions (app/**/actions.ts) but not import pages, layouts or routes." },
  { target: "scripts", from: ["app", "components"], message: "scripts/ use lib/, not the web app's pages or components." },
];

/**
 * The zones for ordinary files, or for *.test.ts files, which may also import test/
 * helpers and lib/models/registry (to build real or mock models), nothing else upward.
 */
function layerZones({ tests }) {
  const zones = [
    { target: ALL_LIB, from: SHELLS, message: "lib/ must not import the shells (app/, components/, scripts/, e2e/)." },
    !tests && { target: ALL_LIB, from: "test", message: "test/ helpers are for *.test.ts files only." },
    {
      target: [...FEATURES, ...ORCHESTRATOR],
      from: "lib/models/local",
      message: "lib/models/local is the local model's private inside: use the engine's `models` dependency (lib/models/registry) or lib/contracts.",
    },
    { target: ORCHESTRATOR, from: FEATURES, message: "lib/orchestrator must not import the features above it." },
    { target: CORE, from: FEATURES, message: "lib/workers, lib/tools and lib/policy must not import the features above them." },
    { target: CORE, from: ORCHESTRATOR, message: "lib/workers, lib/tools and lib/policy must not import lib/orchestrator: it sits above them." },
    {
      target: [...CORE, ...BOTTOM],
      from: MODELS,
      except: tests ? ["./registry.ts"] : [],
      message: "Only the orchestrator and the layers above it import lib/models: models reach the core as a dependency, shared types live in lib/contracts.",
    },
    {
      target: MODELS,
      from: [...FEATURES, ...ORCHESTRATOR, "lib/workers", "lib/policy"],
      message: "lib/models is a provider: it must not import the core or the features (shared types live in lib/contracts).",
    },
    {
      target: MODELS,
      from: "lib/tools",
      except: ["./tool-output.ts"],
      message: "lib/models may use only lib/tools/tool-output from lib/tools.",
    },
    {
      target: BOTTOM,
      from: [...FEATURES, ...ORCHESTRATOR, ...CORE],
      message: "lib/db, lib/jobs, lib/world, lib/clock, lib/money and lib/log are the bottom layer: they must not import anything above them.",
    },
    {
      target: CONTRACTS,
      from: ".",
      except: ["./lib/contracts", "./node_modules"],
      message: "lib/contracts imports nothing of ours, so that every layer can depend on it.",
    },
    ...featureZones(),
  ].filter(Boolean);
  return ["error", { basePath: ROOT, zones }];
}

const TESTS = ["**/*.test.ts", "**/*.test.tsx"];

const config = [
  {
    name: "ignores",
    ignores: ["lib/generated/**", ".next/**", "node_modules/**", "test-results/**", "playwright-report/**", "next-env.d.ts", ".data/**"],
  },
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    name: "switchboard/adjustments",
    rules: {
      // App Router only: there is no pages/ directory for this rule to check against.
      "@next/next/no-html-link-for-pages": "off",
      // A warning, not an error: `any` marks the places where outside data arrives
      // untyped (the AI SDK's tool calls and results, MCP CallToolResult payloads,
      // PGlite internals, HTTP bodies in tests) and is narrowed right after. New `any`s
      // still show up in the lint output.
      "@typescript-eslint/no-explicit-any": "warn",
      // `_name` marks a binding that is unused on purpose (e.g. a property dropped
      // from a rest spread).
      "@typescript-eslint/no-unused-vars": ["warn", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    // Test files hold no React: helpers such as useTestDb() are vitest fixtures
    // whose names happen to start with "use", not React hooks.
    name: "switchboard/tests-are-not-components",
    files: ["**/*.test.ts"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },

  { name: "switchboard/layers", files: ["lib/**"], ignores: TESTS, rules: { "import/no-restricted-paths": layerZones({ tests: false }) } },
  { name: "switchboard/layers (tests)", files: TESTS.map((t) => `lib/${t}`), rules: { "import/no-restricted-paths": layerZones({ tests: true }) } },
  { name: "switchboard/shells", files: ["app/**", "components/**", "scripts/**"], ignores: TESTS, rules: { "import/no-restricted-paths": ["error", { basePath: ROOT, zones: shellZones() }] } },
  {
    name: "switchboard/plain-typescript-core",
    files: ["lib/**"],
    ignores: ["lib/auth/**", "lib/server/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?:next|next-auth|react|react-dom|@ai-sdk/react)(?:/|$)",
              message: "Only lib/auth and lib/server are web glue: the rest of lib/ is plain TypeScript, without next, next-auth or React.",
            },
          ],
        },
      ],
    },
  },
  {
    name: "switchboard/contracts-only-zod",
    files: ["lib/contracts/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^(?![./]|@/|zod(?:/|$))", message: "lib/contracts depends on zod only." }] },
      ],
    },
  },

  {
    // No import cycle anywhere (the layer zones above order the layers; this also
    // catches a cycle inside one folder, such as two tools importing each other).
    // eslint-plugin-import's no-cycle finds nothing under ESLint 10, so the cycle check
    // is import-x's, with the TypeScript resolver (tsconfig paths: "@/...").
    name: "switchboard/no-cycles",
    files: ["lib/**", "app/**", "components/**", "scripts/**"],
    plugins: { "import-x": importX },
    // import-x follows only files with these extensions (its default is .js alone).
    settings: { "import-x/extensions": [".ts", ".tsx", ".mts", ".js", ".mjs"], "import-x/resolver-next": [createTypeScriptImportResolver({ alwaysTryTypes: true })] },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  {
    // The project logger is lib/log.ts (`log.info({ ... }, "message")`). CLIs under
    // scripts/ print to the console on purpose, and tests may too.
    name: "switchboard/no-console",
    files: ["lib/**", "app/**", "components/**"],
    ignores: TESTS,
    rules: { "no-console": "error" },
  },
];

export default config;
