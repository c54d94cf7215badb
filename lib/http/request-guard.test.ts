import { describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import { MAX_JSON_DEPTH } from "../contracts/text";
import { malformedForwarding, ownOrigins, pagePostFromOtherOrigin, readGuardedJson, requireJsonContentType, requireTrustedOrigin } from "./request-guard";

const URL_ = "http://127.0.0.1:3000/api/runs";

function post(headers: Record<string, string>, body = '{"message":"hi"}') {
  return new Request(URL_, { method: "POST", headers, body });
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe("requireTrustedOrigin", () => {
  it("accepts the app's own origin, as addressed or as forwarded by a reverse proxy", () => {
    expect(() => requireTrustedOrigin(post({ origin: "http://127.0.0.1:3000" }), { surface: "run" })).not.toThrow();
    const proxied = post({ origin: "https://switchboard.example", "x-forwarded-host": "switchboard.example", "x-forwarded-proto": "https" });
    expect(() => requireTrustedOrigin(proxied, { surface: "run" })).not.toThrow();
    expect(ownOrigins(proxied)).toEqual(["http://127.0.0.1:3000", "https://switchboard.example"]);
  });

  it.each([
    ["another port of the same host", { origin: "http://127.0.0.1:3001" }, "cross_origin"],
    ["another site", { origin: "https://evil.example" }, "cross_origin"],
    ["a sandboxed frame", { origin: "null" }, "cross_origin"],
    ["the same host over the other scheme", { origin: "https://127.0.0.1:3000" }, "cross_origin"],
    ["no Origin at all", {}, "origin_missing"],
  ])("refuses %s with 403 forbidden:origin", (_label, headers, reason) => {
    let err: unknown;
    try {
      requireTrustedOrigin(post(headers as Record<string, string>), { surface: "review" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(403);
    expect((err as ApiError).code).toBe("forbidden:origin");
    expect((err as ApiError).details).toMatchObject({ reason, surface: "review" });
  });

  it("lets a Bearer token stand in for the origin only where the route allows it", () => {
    const scripted = post({ authorization: "Bearer abc.def.ghi" });
    expect(() => requireTrustedOrigin(scripted, { surface: "run", bearer: true })).not.toThrow();
    expect(() => requireTrustedOrigin(scripted, { surface: "review" })).toThrow(ApiError);
    // "Bearer" with nothing after it is no token.
    expect(() => requireTrustedOrigin(post({ authorization: "Bearer " }), { surface: "run", bearer: true })).toThrow(ApiError);
  });
});

describe("pagePostFromOtherOrigin (server actions, checked in the proxy)", () => {
  const action = (origin: string | null, method = "POST") =>
    new Request("http://127.0.0.1:3000/chat", { method, headers: { "next-action": "abc", ...(origin === null ? {} : { origin }) }, body: method === "POST" ? "[]" : undefined });

  it.each([["http://127.0.0.1:3000.evil"], ["null"], ["http://[::1"], ["https://evil.example"], ["http://127.0.0.1:3001"], ["not a url at all"], ["http://127.0.0.1:3000/"]])(
    "refuses a post from %j with 403 forbidden:origin, without parsing it as a URL",
    (origin) => {
      const err = pagePostFromOtherOrigin(action(origin));
      expect(err?.status).toBe(403);
      expect(err?.code).toBe("forbidden:origin");
      expect(err?.details).toMatchObject({ reason: "cross_origin", origin });
    },
  );

  it("lets the app's own origin (any case, or as a proxy forwarded it), a missing Origin and reads through", () => {
    expect(pagePostFromOtherOrigin(action("http://127.0.0.1:3000"))).toBeNull();
    expect(pagePostFromOtherOrigin(action("HTTP://127.0.0.1:3000"))).toBeNull();
    const proxied = new Request("http://127.0.0.1:3000/chat", { method: "POST", headers: { origin: "https://switchboard.example", "x-forwarded-host": "switchboard.example", "x-forwarded-proto": "https" }, body: "[]" });
    expect(pagePostFromOtherOrigin(proxied)).toBeNull();
    expect(pagePostFromOtherOrigin(action(null))).toBeNull();
    expect(pagePostFromOtherOrigin(action("https://evil.example", "GET"))).toBeNull();
  });
});

describe("malformedForwarding (checked in the proxy)", () => {
  const req = (headers: Record<string, string>) => new Request("http://127.0.0.1:3000/reviews", { headers });

  it("lets one host[:port] and http or https through, and requests without them", () => {
    const cases: Array<Record<string, string>> = [{}, { "x-forwarded-host": "127.0.0.1:3000", "x-forwarded-proto": "http" }, { "x-forwarded-host": "switchboard.example", "x-forwarded-proto": "HTTPS" }, { "x-forwarded-host": "[::1]:3000" }, { "x-forwarded-host": "my_host.internal" }];
    for (const headers of cases) {
      expect(malformedForwarding(req(headers)), JSON.stringify(headers)).toBeNull();
    }
  });

  it.each([
    ["x-forwarded-host", "[::1"],
    ["x-forwarded-host", "a b"],
    ["x-forwarded-host", "evil.example/path"],
    ["x-forwarded-host", "a.example, b.example"],
    ["x-forwarded-host", "user@host"],
    ["x-forwarded-host", "host:99999999"],
    ["x-forwarded-proto", "'x% !%"],
    ["x-forwarded-proto", "https, http"],
    ["x-forwarded-proto", "gopher"],
    ["x-forwarded-proto", "https:"],
  ])("refuses %s: %j with 400 bad_request:origin", (header, value) => {
    const err = malformedForwarding(req({ [header]: value }));
    expect(err?.status).toBe(400);
    expect(err?.code).toBe("bad_request:origin");
    expect(err?.details).toEqual({ reason: "malformed_forwarding", header });
  });
});

describe("requireJsonContentType", () => {
  it("accepts application/json with or without parameters, in any case", () => {
    for (const type of ["application/json", "application/json; charset=utf-8", "Application/JSON"]) {
      expect(() => requireJsonContentType(post({ "content-type": type }), "message")).not.toThrow();
    }
  });

  it.each([["text/plain"], ["application/x-www-form-urlencoded"], ["multipart/form-data; boundary=x"], ["application/json-patch+json"], [""]])(
    "refuses %j with 415 unsupported_media_type",
    (type) => {
      const req = type ? post({ "content-type": type }) : new Request(URL_, { method: "POST", body: new Uint8Array([123, 125]) });
      let err: unknown;
      try {
        requireJsonContentType(req, "message");
      } catch (e) {
        err = e;
      }
      expect((err as ApiError).status).toBe(415);
      expect((err as ApiError).code).toBe("unsupported_media_type:message");
    },
  );
});

describe("readGuardedJson", () => {
  const opts = { surface: "message", bearer: true, expected: "{ message }" } as const;

  it("returns the parsed body of a same-origin JSON request", async () => {
    const body = await readGuardedJson(post({ origin: "http://127.0.0.1:3000", "content-type": "application/json" }), opts);
    expect(body).toEqual({ message: "hi" });
  });

  it("refuses a cross-origin text/plain form post (the JSON-looking body is never read)", async () => {
    // What <form enctype="text/plain"> sends: name=value, shaped by the attacker into JSON.
    const req = post({ origin: "http://127.0.0.1:3001", "content-type": "text/plain", cookie: "sb_customer=valid" }, '{"message":"x","y":"="}');
    const err = await refusal(readGuardedJson(req, opts));
    expect(err.code).toBe("forbidden:origin");
    expect(req.bodyUsed).toBe(false);
  });

  it("never parses a body without a content type as JSON, even from the app's own origin", async () => {
    const req = new Request(URL_, { method: "POST", headers: { origin: "http://127.0.0.1:3000" }, body: new Uint8Array(Buffer.from('{"message":"hi"}')) });
    expect(req.headers.get("content-type")).toBeNull();
    const err = await refusal(readGuardedJson(req, opts));
    expect(err.code).toBe("unsupported_media_type:message");
    expect(req.bodyUsed).toBe(false);
  });

  it("answers 400 bad_request to a JSON content type with a body that is not JSON", async () => {
    const err = await refusal(readGuardedJson(post({ authorization: "Bearer t", "content-type": "application/json" }, "{nope"), opts));
    expect(err.code).toBe("bad_request:message");
    expect(err.status).toBe(400);
    expect(err.message).toBe("Body must be JSON: { message }");
  });

  it("answers 400 invalid_input to a string PostgreSQL could not store, in any field, key or depth", async () => {
    const json = { "content-type": "application/json", authorization: "Bearer t" };
    for (const [body, path] of [
      ['{"message":"hi \\u0000 there"}', "message"],
      ['{"message":"half \\ud800 a pair"}', "message"],
      ['{"meta":{"tags":["ok","\\udfff"]}}', "meta.tags.1"],
      ['{"k\\u0000ey":1}', ""],
    ] as const) {
      const err = await refusal(readGuardedJson(post(json, body), opts));
      expect(err.code, body).toBe("invalid_input:message");
      expect(err.status).toBe(400);
      expect((err.details as { issues: Array<{ path: string }> }).issues[0].path, body).toBe(path);
    }
    // A whole pair (an emoji, written as escapes) is a character like any other.
    expect(await readGuardedJson(post(json, '{"message":"\\ud83d\\udc4d"}'), opts)).toEqual({ message: "👍" });
  });

  it("answers 400 invalid_input to a body nested deeper than MAX_JSON_DEPTH, however deep (no stack overflow)", async () => {
    const json = { "content-type": "application/json", authorization: "Bearer t" };
    for (const depth of [MAX_JSON_DEPTH + 1, 10_000, 200_000]) {
      for (const [open, inner, close] of [["[", "", "]"], ['{"a":', "1", "}"]]) {
        const body = `{"message":"hi","x":${open.repeat(depth)}${inner}${close.repeat(depth)}}`;
        const err = await refusal(readGuardedJson(post(json, body), opts));
        expect(err.code, `${depth} ${open}`).toBe("invalid_input:message");
        expect((err.details as { issues: Array<{ message: string }> }).issues[0].message).toBe(`body is nested more than ${MAX_JSON_DEPTH} levels deep`);
      }
    }
    // Exactly at the limit (the body itself is level 1) is fine.
    const atLimit = `{"message":"hi","x":${"[".repeat(MAX_JSON_DEPTH - 1)}${"]".repeat(MAX_JSON_DEPTH - 1)}}`;
    expect(await readGuardedJson(post(json, atLimit), opts)).toMatchObject({ message: "hi" });
  });

  it("reports problems in document order, as before: the first bad field wins", async () => {
    const json = { "content-type": "application/json", authorization: "Bearer t" };
    const err = await refusal(readGuardedJson(post(json, '{"a":["ok",{"b":"\\u0000"}],"c":"\\ud800"}'), opts));
    expect((err.details as { issues: Array<{ path: string }> }).issues[0].path).toBe("a.1.b");
  });
});
