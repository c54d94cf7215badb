import { randomBytes } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { isIP, type Socket } from "node:net";
import { z } from "zod";

// Which client address the per-address limits count (runs per IP, wrong passwords per
// IP). It must be an address the client cannot choose.
//
// What Next.js gives us (16.4, next/dist/server/base-server.js): the Node server sets
// `x-forwarded-for` from the socket only when the request has none
// (`req.headers['x-forwarded-for'] ??= socket.remoteAddress`). A client that sends its
// own header keeps it, so behind no proxy the header, any entry of it, is the client's
// choice. proxy.ts, route handlers and server actions see headers only: no socket, and
// Next.js's request meta holds no address either. So the header alone can never tell
// the socket's address from a forged one.
//
// What we do: the socket's address is read where the socket is, from Node's own
// `http.server.request.start` diagnostics channel, which Node publishes synchronously
// for every request before the server's 'request' event, i.e. before Next.js sees it. The
// subscriber (installed once per process by instrumentation.ts) writes it into a
// private request header, overwriting whatever a client sent under that name. The
// value carries a random per-process nonce: the channel is subscribed when the app's
// instrumentation runs, a moment after `next start` begins listening, and a request
// that arrived in that moment has no stamp; a client-sent header with our name is then
// recognised as forged (no nonce) rather than trusted. Such requests count under one
// shared key (UNATTRIBUTED): nobody can pick their own key, at worst they share one.
//
// Behind reverse proxies (TRUST_PROXY_HOPS = N ≥ 1) the socket is the nearest proxy;
// each trusted proxy appends the address it saw to X-Forwarded-For, so the client is
// the N-th entry from the right. Entries further left were written by the client and
// prove nothing. This is right only when every request reaches Switchboard through
// those N proxies (nothing else can reach its port).

export const PEER_HEADER = "x-switchboard-peer";
export const UNATTRIBUTED = "unattributed";
const MAX_HOPS = 10;
const STAMP = Symbol.for("switchboard.peerStamp");

type HeaderSource = { get(name: string): string | null };
type StampState = { nonce: string };

const hopsSchema = z
  .string()
  .trim()
  .regex(/^\d+$/, `TRUST_PROXY_HOPS must be a whole number from 0 to ${MAX_HOPS}`)
  .transform(Number)
  .pipe(z.number().int().min(0).max(MAX_HOPS, `TRUST_PROXY_HOPS must be a whole number from 0 to ${MAX_HOPS}`));

/** TRUST_PROXY_HOPS: how many reverse proxies stand in front of Switchboard (0, the default: none). Throws on a bad value. */
export function trustProxyHops(env: Record<string, string | undefined> = process.env): number {
  const raw = env.TRUST_PROXY_HOPS;
  if (raw === undefined || raw.trim() === "") return 0;
  const parsed = hopsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${parsed.error.issues[0].message}, got "${raw}"`);
  return parsed.data;
}

/** `::ffff:203.0.113.5` (an IPv4 client on a dual-stack socket) is 203.0.113.5; anything odd is cut short. */
function normalise(address: string): string {
  const a = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1];
  return isIP(a) ? a : a.slice(0, 64) || UNATTRIBUTED;
}

/**
 * The client's address for a request: with 0 hops the socket's peer (`peer`, from the
 * stamp), with N hops the N-th X-Forwarded-For entry from the right (or the leftmost
 * when fewer proxies wrote one).
 */
export function clientAddress(headers: HeaderSource, { hops, peer }: { hops: number; peer: string | null }): string {
  if (hops === 0) return peer ? normalise(peer) : UNATTRIBUTED;
  const forwarded = (headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const entry = forwarded.at(-hops) ?? forwarded[0] ?? peer;
  return entry ? normalise(entry) : UNATTRIBUTED;
}

function stampState(): StampState | undefined {
  return (globalThis as { [STAMP]?: StampState })[STAMP];
}

/** The socket address this process stamped on the request, or null (not stamped here, or forged). */
export function stampedPeer(headers: HeaderSource): string | null {
  const state = stampState();
  const value = headers.get(PEER_HEADER);
  if (!state || !value) return null;
  const [nonce, address] = value.split(" ", 2);
  return nonce === state.nonce && address ? address : null;
}

/** The header value the stamp writes (exported for tests that stand in for the server). */
export function peerStampValue(address: string): string {
  const state = stampState();
  if (!state) throw new Error("the peer stamp is not installed in this process");
  return `${state.nonce} ${address}`;
}

/**
 * Stamps every request this process's HTTP servers receive from now on with its socket's
 * address (see the top of this file). Idempotent: one subscription per process, kept on
 * globalThis since Next.js may load this module more than once.
 */
export function installPeerStamp(): void {
  const g = globalThis as { [STAMP]?: StampState };
  if (g[STAMP]) return;
  const state: StampState = { nonce: randomBytes(16).toString("hex") };
  g[STAMP] = state;
  subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    request.headers[PEER_HEADER] = `${state.nonce} ${socket.remoteAddress ?? ""}`;
  });
}

/** The address the per-address limits count for this request (TRUST_PROXY_HOPS from the environment). */
export function clientIp(headers: HeaderSource): string {
  return clientAddress(headers, { hops: trustProxyHops(), peer: stampedPeer(headers) });
}
