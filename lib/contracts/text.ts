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

/**
 * How deep a JSON body may nest (the top-level object or array is level 1). Every body
 * Switchboard takes is two or three levels deep; a body of thousands of nested arrays
 * is an attack on whatever walks it (a recursive walk ends in a stack overflow, a 500).
 */
export const MAX_JSON_DEPTH = 32;

type Problem = { path: string; message: string };
/** A value still to look at, with the way to it (its parent and its key) for the path. */
type Pending = { value: unknown; key: string | null; parent: Pending | null; depth: number };

function pathOf(node: Pending | null): string {
  const keys: string[] = [];
  for (let n = node; n; n = n.parent) if (n.key !== null) keys.push(n.key);
  return keys.reverse().join(".");
}

function stringProblem(value: string, node: Pending): Problem | null {
  // Worded like the field checks ("message contains a NUL character").
  const field = node.key || "body";
  if (value.includes("\u0000")) return { path: pathOf(node), message: `${field} contains a NUL character` };
  if (LONE_SURROGATE.test(value)) return { path: pathOf(node), message: `${field} contains an unpaired surrogate (not valid Unicode)` };
  return null;
}

/**
 * The first problem anywhere in a parsed JSON value, in document order, with its path:
 * nesting deeper than `maxDepth`, or a string (value or key) PostgreSQL could not
 * store (NUL, unpaired surrogate). Iterative, so no body can exhaust the stack.
 */
export function jsonBodyProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): Problem | null {
  const stack: Pending[] = [{ value, key: null, parent: null, depth: 0 }];
  while (stack.length) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === "string") {
      const found = stringProblem(v, node);
      if (found) return found;
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    const depth = node.depth + 1;
    if (depth > maxDepth) return { path: pathOf(node), message: `body is nested more than ${maxDepth} levels deep` };
    const children: Pending[] = [];
    if (Array.isArray(v)) {
      v.forEach((item, i) => children.push({ value: item, key: String(i), parent: node, depth }));
    } else {
      for (const [k, item] of Object.entries(v)) {
        // The key itself is checked as a string at the object's own path.
        children.push({ value: k, key: node.key, parent: node.parent, depth }, { value: item, key: k, parent: node, depth });
      }
    }
    // Reversed onto the stack, so the first child is looked at first (document order).
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return null;
}
