import { AsyncLocalStorage } from "node:async_hooks";
import { RequestCookies } from "next/dist/compiled/@edge-runtime/cookies";

// Test-only: route handlers called outside Next.js still read `headers()` and
// `cookies()` (next/headers) and the staff session, as they would inside a request.
// A test mocks next/headers with `nextHeadersStandIn()` and runs each handler inside
// `inRequestScope(req, …)`: the stand-in answers from that request, and cookies the
// handler sets are collected on the scope. Cookies are parsed by Next.js's own parser,
// so a malformed one is read exactly as in production.

export type RequestScope = { req: Request; setCookies: string[] };

const scope = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` as the handling of `req`; returns its result and the cookies it set. */
export async function inRequestScope<T>(req: Request, fn: () => Promise<T>): Promise<{ result: T; setCookies: string[] }> {
  const store: RequestScope = { req, setCookies: [] };
  const result = await scope.run(store, fn);
  return { result, setCookies: store.setCookies };
}

/** The request being handled (throws outside `inRequestScope`, as next/headers does outside a request). */
export function currentRequest(): Request {
  const store = scope.getStore();
  if (!store) throw new Error("next/headers was called outside a request scope");
  return store.req;
}

/** What `vi.mock("next/headers", …)` should return. */
export function nextHeadersStandIn() {
  return {
    headers: async () => currentRequest().headers,
    cookies: async () => {
      const jar = new RequestCookies(currentRequest().headers);
      const store = scope.getStore()!;
      return {
        get: (name: string) => jar.get(name),
        getAll: (name?: string) => (name ? jar.getAll(name) : jar.getAll()),
        has: (name: string) => jar.has(name),
        set: (name: string) => void store.setCookies.push(name),
        delete: (name: string) => void store.setCookies.push(name),
      };
    },
  };
}
