import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddress, clientIp, installPeerStamp, PEER_HEADER, stampedPeer, trustProxyHops, UNATTRIBUTED } from "./client-address";

describe("TRUST_PROXY_HOPS", () => {
  it("is 0 unless set, and a whole number from 0 to 10", () => {
    expect(trustProxyHops({})).toBe(0);
    expect(trustProxyHops({ TRUST_PROXY_HOPS: " " })).toBe(0);
    expect(trustProxyHops({ TRUST_PROXY_HOPS: "2" })).toBe(2);
    for (const bad of ["-1", "1.5", "one", "11", "0x1", "1e1"]) {
      expect(() => trustProxyHops({ TRUST_PROXY_HOPS: bad }), bad).toThrow(/TRUST_PROXY_HOPS must be a whole number from 0 to 10, got/);
    }
  });
});

describe("the client address", () => {
  const h = (xff?: string) => new Headers(xff ? { "x-forwarded-for": xff } : {});

  it("with no proxy is the socket's peer, whatever X-Forwarded-For says", () => {
    expect(clientAddress(h("198.51.100.1"), { hops: 0, peer: "::ffff:127.0.0.1" })).toBe("127.0.0.1");
    expect(clientAddress(h(), { hops: 0, peer: "2001:db8::1" })).toBe("2001:db8::1");
    expect(clientAddress(h("198.51.100.1"), { hops: 0, peer: null })).toBe(UNATTRIBUTED);
  });

  it("behind N proxies is the N-th X-Forwarded-For entry from the right, or the leftmost when fewer proxies wrote one", () => {
    const xff = "10.9.9.9, 198.51.100.7, 203.0.113.9";
    expect(clientAddress(h(xff), { hops: 1, peer: "10.0.0.2" })).toBe("203.0.113.9");
    expect(clientAddress(h(xff), { hops: 2, peer: "10.0.0.2" })).toBe("198.51.100.7");
    expect(clientAddress(h("203.0.113.9"), { hops: 2, peer: "10.0.0.2" })).toBe("203.0.113.9");
    expect(clientAddress(h(), { hops: 1, peer: "10.0.0.2" })).toBe("10.0.0.2");
  });
});

// A real Node HTTP server, with the stamp installed as instrumentation.ts installs it,
// and what Next.js's Node server does to the headers (base-server.js: x-forwarded-for
// is set from the socket only when the client sent none).
describe("the peer stamp on a real HTTP server", () => {
  let server: http.Server;
  let base: string;
  let hops = "0";
  beforeAll(async () => {
    installPeerStamp();
    server = http.createServer((req, res) => {
      req.headers["x-forwarded-for"] ??= req.socket.remoteAddress;
      const headers = new Headers(Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : [])));
      const previous = process.env.TRUST_PROXY_HOPS;
      process.env.TRUST_PROXY_HOPS = hops;
      try {
        res.end(JSON.stringify({ key: clientIp(headers), peer: stampedPeer(headers) }));
      } finally {
        if (previous === undefined) delete process.env.TRUST_PROXY_HOPS;
        else process.env.TRUST_PROXY_HOPS = previous;
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const ask = async (headers: Record<string, string>) => (await fetch(base, { headers })).json() as Promise<{ key: string; peer: string | null }>;

  it("with 0 hops: a client-sent X-Forwarded-For, or a forged stamp header, does not change the key", async () => {
    hops = "0";
    expect(await ask({})).toEqual({ key: "127.0.0.1", peer: "127.0.0.1" });
    expect((await ask({ "x-forwarded-for": "198.51.100.1" })).key).toBe("127.0.0.1");
    expect((await ask({ "x-forwarded-for": "10.9.9.9, 198.51.100.2" })).key).toBe("127.0.0.1");
    expect((await ask({ [PEER_HEADER]: "198.51.100.3" })).key).toBe("127.0.0.1");
  });

  it("with 1 hop: the proxy's entry (the rightmost) is the key", async () => {
    hops = "1";
    expect((await ask({ "x-forwarded-for": "198.51.100.1" })).key).toBe("198.51.100.1");
    expect((await ask({ "x-forwarded-for": "10.9.9.9, 198.51.100.2" })).key).toBe("198.51.100.2");
    // A request that reached the app without a proxy: the socket, as Next.js wrote it.
    expect((await ask({})).key).toBe("127.0.0.1");
  });

  it("never takes a stamp header this process did not write", () => {
    expect(stampedPeer(new Headers({ [PEER_HEADER]: "198.51.100.4" }))).toBeNull();
    expect(stampedPeer(new Headers({ [PEER_HEADER]: "0123456789abcdef0123456789abcdef 198.51.100.4" }))).toBeNull();
  });
});
