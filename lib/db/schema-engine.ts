import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";

// Prisma's native schema engine is a download this project cannot rely on, so the
// WASM build is loaded by hand: its package entry imports a .wasm file as an ES
// module, which Node does not support, so we instantiate it ourselves and hand the
// exports to the generated bindings.
let ready: Promise<typeof bg> | undefined;

function loadEngineModule() {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
    const bytes = fs.readFileSync(path.join(dir, "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, {
      "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return ready;
}

const noFilters = { externalTables: [], externalEnums: [] };

/** A schema engine bound to `connectionString` (used only by commands that touch a database). */
async function openSchemaEngine(connectionString: string, schema: string): Promise<SchemaEngine> {
  const mod = await loadEngineModule();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString }));
  return mod.SchemaEngine.new({ datamodels: [["schema.prisma", schema]] }, () => {}, adapter);
}

/** SQL that takes a database from the `from` datamodel (or empty) to the `to` datamodel. */
// The engine opens a connection when it starts even for a datamodel-to-datamodel
// diff, so a reachable database is needed although nothing is read from it.
export async function diffDatamodels(connectionString: string, from: string | null, to: string): Promise<string> {
  const engine = await openSchemaEngine(connectionString, to);
  const target = (content: string) => ({ tag: "schemaDatamodel" as const, files: [{ path: "schema.prisma", content }] });
  const res = await engine.diff({
    from: from === null ? { tag: "empty" } : target(from),
    to: target(to),
    script: true,
    exitCode: null,
    filters: noFilters,
  });
  engine.free();
  return res.stdout ?? "";
}
