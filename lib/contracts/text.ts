// Free text that people type (a customer's message, a reviewer's note, a reason) is
// checked the same way at every boundary. It may hold tabs and line breaks, but never:
// - NUL: PostgreSQL stores no NUL in text or jsonb, so it would fail deep inside a write;
// - an unpaired UTF-16 surrogate (a JSON "\ud800"): not a character at all, and PostgreSQL
//   refuses it in jsonb ("invalid input syntax for type json");
// - other C0 controls, DEL and C1 controls: nobody types them; they hide text from a
//   reviewer (escape sequences in a log, a backspace) or smuggle markup past a reader.
// Each is a clear 400 at the boundary rather than a 500 from the database later.

const CONTROL = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `s` is not acceptable free text (the field's name first), or null when it is. */
export function textProblem(s: string, field: string): string | null {
  if (s.includes("\u0000")) return `${field} contains a NUL character`;
  if (LONE_SURROGATE.test(s)) return `${field} contains an unpaired surrogate (not valid Unicode)`;
  const control = CONTROL.exec(s);
  if (control) return `${field} contains a control character (U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")})`;
  return null;
}

/** The first string anywhere in a parsed JSON value that PostgreSQL could not store (NUL, unpaired surrogate), with its path. */
export function unstorableString(value: unknown, path = ""): { path: string; message: string } | null {
  if (typeof value === "string") {
    // Worded like the field checks ("message contains a NUL character").
    const field = path.split(".").at(-1) || "body";
    if (value.includes("\u0000")) return { path, message: `${field} contains a NUL character` };
    if (LONE_SURROGATE.test(value)) return { path, message: `${field} contains an unpaired surrogate (not valid Unicode)` };
    return null;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = unstorableString(v, path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const found = unstorableString(k, path) ?? unstorableString(v, path ? `${path}.${k}` : k);
      if (found) return found;
    }
  }
  return null;
}
