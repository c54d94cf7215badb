// The demo host site for the widget journeys: a page with the widget's script tag and
// the host backend's token endpoint, which vouches for its signed-in customer (C-1001,
// or the one named by ?customer= on the page) by minting a Switchboard customer token with the shared secret, exactly
// as the README's example does. Listens on HOST_PORT (allowed) and OTHER_HOST_PORT
// (not in WIDGET_ALLOWED_ORIGINS).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { SignJWT } from "jose";
import { E2E_BASE_URL, E2E_CUSTOMER_TOKEN_SECRET, HOST_PORT, OTHER_HOST_PORT } from "./env";

const template = fs.readFileSync(path.resolve("e2e/fixtures/host.html"), "utf8").replaceAll("{{SWITCHBOARD_URL}}", E2E_BASE_URL);
const page = (tokenUrl: string) => template.replaceAll("{{TOKEN_URL}}", tokenUrl);
const secret = new TextEncoder().encode(E2E_CUSTOMER_TOKEN_SECRET);

/** ?variant=expired mints a token that has already expired: a host whose session ran out. */
async function mintToken(customerId: string, variant: string | null): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const iat = variant === "expired" ? now - 7200 : now;
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: "default" })
    .setIssuer("switchboard-host")
    .setAudience("switchboard")
    .setSubject(customerId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 600)
    .sign(secret);
}

const server = (req: http.IncomingMessage, res: http.ServerResponse) => {
  const url = new URL(req.url ?? "/", "http://host");
  const customer = /^C-\d{4}$/.test(url.searchParams.get("customer") ?? "") ? url.searchParams.get("customer")! : "C-1001";
  if (req.method === "GET" && (url.pathname === "/" || url.pathname === "/expired")) {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(page(url.pathname === "/expired" ? "/switchboard-token?variant=expired" : `/switchboard-token?customer=${customer}`));
  } else if (req.method === "POST" && url.pathname === "/switchboard-token") {
    void mintToken(customer, url.searchParams.get("variant")).then((token) => {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ token }));
    });
  } else if (url.pathname === "/health") {
    res.writeHead(200).end("ok");
  } else {
    res.writeHead(404).end("not found");
  }
};

for (const port of [HOST_PORT, OTHER_HOST_PORT]) {
  http.createServer(server).listen(port, "127.0.0.1", () => console.log(`[host] demo host site on http://localhost:${port}`));
}
