/**
 * Hostile input at every route of the router (property-based, fast-check): random and nasty values in the
 * body, the query and the path (huge strings, NUL and lone surrogates, null, arrays for scalars, objects,
 * negative and enormous numbers, bad dates, cursors and uuids, __proto__ keys). Whatever comes in, the answer
 * is a valid 2xx/3xx or a 4xx with an error code; never a 500, never a stack trace, and a refused request
 * leaves no half-written row behind. Plus the transport-level cases: malformed JSON, wrong content type,
 * unsupported charset and oversize bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import request from "supertest";
import type { AnyRouteDef } from "../../server/routes/api-router";
import { project } from "../helpers/inbox";
import { grantPlatformAdmin } from "../../server/services/auth/platform-admins";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { invite } from "../helpers/team";
import { deliver, transcriptionEvent } from "../helpers/webhooks";
import { FakeElevenLabs, makeConversation } from "../fake-elevenlabs/server";

const KEY = "sk_test_bad_input_0c3e";
const SECRET = "whsec_bad_input";
const EL_AGENT = "agent_bad_input";
const RUNS = 15;

let t: TestApp;
const fake = new FakeElevenLabs();
let routes: AnyRouteDef[];
let owner: Awaited<ReturnType<typeof signUp>>;
let platformAdmin: Awaited<ReturnType<typeof signUp>>;
let webhookPath: string;
let realIds: string[];
let superuser: pg.Client;

const key = (def: AnyRouteDef) => `${def.method} ${def.path}`;

// ---- hostile values

const NASTY_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "\uDFFF",
  "x\uD83D",
  "\uFEFF",
  "\u202E",
  "😀".repeat(50),
  "Z̤͔ͧ̑̓ä͖̭̈̇l͖͎g̞̥͈ͮ̽o",
  "<script>alert(1)</script>",
  "' or 1=1 --",
  "'); drop table users; --",
  "%00",
  "%ED%A0%80",
  "%",
  "../../etc/passwd",
  "__proto__",
  "constructor",
  "prototype",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "-Infinity",
  "1e400",
  "-1",
  "0x10",
  "9".repeat(400),
  "2024-02-30",
  "2024-13-01",
  "0000-00-00",
  "9999-12-31T23:59:60Z",
  "275760-09-13T00:00:00.001Z",
  "-271821-04-20T00:00:00Z",
  "2024-01-01T00:00:00+99:99",
  "1970-01-01",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "not-a-uuid",
  "12345678-1234-1234-1234-1234567890ab'",
  Buffer.from(JSON.stringify(["2024-01-01T00:00:00Z", "x"])).toString("base64url"),
  Buffer.from(JSON.stringify([null, "00000000-0000-0000-0000-000000000000"])).toString("base64url"),
  Buffer.from(JSON.stringify([1e308, {}])).toString("base64url"),
  Buffer.from("[[[[[[[[[[").toString("base64url"),
  Buffer.from(JSON.stringify({ __proto__: 1 })).toString("base64url"),
  // Issue 16: impossible dates, extreme years, huge numbers, odd unicode.
  "0000-01",
  "9999-12",
  "1969-12-31",
  "2101-01-01",
  "2026-00-10",
  "2025-02-29",
  "2024-02-29T24:00:00Z",
  "2024-12-31T23:59:59.9999999999Z",
  "+275760-09-13T00:00:00Z",
  "2026-13-45T25:61:61.000000Z",
  "１２",
  "٢٠٢٦-٠١-٠١",
  "2026\u201101\u201101",
  "İ",
  "ß".repeat(100),
  "18446744073709551616",
  "-9007199254740993",
  "1e-400",
  "Europe/Nowhere",
  "Etc/GMT+99",
  "../UTC",
  "elevenlabs",
  "owner",
  "viewer",
  "success",
  "done",
];

const nastyChar = fc.constantFrom("\u0000", "\uD800", "\uDC00", "\uFFFF", "\u202E", "é", "😀", "\\", '"', "'", "%", "\n", "a");
const hostileString = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: nastyChar, maxLength: 60 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => "x".repeat(n)),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 0.5, -1e308, 1e308, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 31, -(2 ** 31), 2 ** 63),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const hostileScalar = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileScalar,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "toString", ""), fc.string({ maxLength: 8 })), tie("value"), {
      maxKeys: 4,
    }),
  ),
})).value;

/** Own property named `name`, even for "__proto__" (a plain assignment would set the prototype instead). */
function setOwn(target: Record<string, unknown>, name: string, value: unknown) {
  Object.defineProperty(target, name, { value, enumerable: true, configurable: true, writable: true });
}

function schemaKeys(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/** A body: an object with the schema's keys (some missing) and hostile keys, or a non-object altogether. */
function bodyArb(def: AnyRouteDef): fc.Arbitrary<unknown> {
  const keys = [...schemaKeys(def.body), "__proto__", "constructor", "organizationId", "role", "id"];
  const object = fc
    .tuple(fc.subarray(keys), fc.array(hostileValue, { minLength: keys.length, maxLength: keys.length }), fc.option(fc.constantFrom(...keys, "isPlatformAdmin")))
    .map(([chosen, values, extra]) => {
      const out: Record<string, unknown> = {};
      chosen.forEach((k, i) => setOwn(out, k, values[i]));
      if (extra) setOwn(out, extra, { polluted: true, isPlatformAdmin: true });
      return out;
    });
  return fc.oneof({ weight: 4, arbitrary: object }, { weight: 1, arbitrary: hostileValue });
}

/** Percent-encodes even lone surrogates (as the raw, invalid UTF-8 bytes ED A0 80 ...). */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    let out = "";
    for (const ch of value) {
      const code = ch.codePointAt(0)!;
      if (code >= 0xd800 && code <= 0xdfff) {
        out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
      } else out += encodeURIComponent(ch);
    }
    return out;
  }
}

const asQueryValue = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v) ?? "");

/** A query string with the schema's keys (sometimes repeated: an array for a scalar) and stray keys. */
function queryArb(def: AnyRouteDef): fc.Arbitrary<string> {
  const keys = [...schemaKeys(def.query), "__proto__", "constructor[prototype]", "a[b]"];
  return fc
    .array(fc.tuple(fc.constantFrom(...keys), fc.oneof(hostileString, hostileValue.map(asQueryValue))), { maxLength: 6 })
    .map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${encode(v.slice(0, 1_000))}`).join("&"))
    // Node itself answers 431 (no body, before the app) to request heads over 16 KB: stay below that.
    .map((q) => q.slice(0, 8_000).replace(/%[0-9A-F]?$/, ""));
}

function pathArb(def: AnyRouteDef): fc.Arbitrary<string> {
  const names = [...def.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  const param = fc.oneof(
    hostileString.map((s) => s.slice(0, 1_000)),
    fc.uuid(),
    def.method === "get" ? fc.constantFrom(...realIds) : fc.uuid(),
  );
  return fc.array(param, { minLength: names.length, maxLength: names.length }).map((values) => {
    let i = 0;
    return `/api${def.path.replace(/:(\w+)/g, () => encode(values[i++] || "x"))}`;
  });
}

// ---- checks

const STACK = [/\n\s+at /, /\bat [^\s]+ \(/, /\(\/[^)]*:\d+:\d+\)/, /\b\w*Error: /, /node_modules/, /\/work\//, /\.ts:\d+/];

function problems(res: request.Response): string[] {
  const out: string[] = [];
  const text = res.text ?? (Buffer.isBuffer(res.body) ? res.body.toString("utf8") : JSON.stringify(res.body ?? ""));
  if (res.status >= 500) out.push(`status ${res.status}: ${text.slice(0, 300)}`);
  if (res.status >= 400 && typeof (res.body as { error?: { code?: unknown } })?.error?.code !== "string")
    out.push(`${res.status} without error.code: ${text.slice(0, 300)}`);
  for (const p of STACK) if (p.test(text)) out.push(`stack-trace-like text (${p}): ${text.slice(0, 300)}`);
  return out;
}

const COUNTED = ["organizations", "users", "integrations", "agents", "invitations", "call_logs", "call_audio", "sessions"];

/** A fingerprint of the rows a refused request must not touch. */
async function fingerprint(): Promise<string> {
  const rows = await superuser.query(
    `select (select json_agg(i order by i.id) from integrations i) as integrations,
            (select json_agg(a order by a.id) from agents a) as agents,
            (select json_agg(v order by v.id) from invitations v) as invitations,
            (select json_agg(json_build_array(u.id, u.role, u.email, u.organization_id, u.is_platform_admin) order by u.id) from users u) as users,
            (select json_agg(json_build_array(o.id, o.name) order by o.id) from organizations o) as organizations,
            ${COUNTED.map((table) => `(select count(*) from "${table}") as "count_${table}"`).join(", ")}`,
  );
  return JSON.stringify(rows.rows[0]);
}

/** POSTs `length` bytes in 1 MB chunks (as a stream: nothing this large is held in memory here) and reads the answer. */
async function declaredHugeBody(path: string, length: number): Promise<{ status: number; text: string }> {
  const server = t.app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path, method: "POST", headers: { "content-type": "application/json", "content-length": length } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
          req.destroy();
        });
      });
      req.on("error", reject);
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      let sent = 0;
      const pump = () => {
        while (sent < length) {
          const part = chunk.subarray(0, Math.min(chunk.length, length - sent));
          sent += part.length;
          if (!req.write(part)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function send(def: AnyRouteDef, path: string, query: string, body: unknown) {
  // Logout would end the owner's session for every later route: call it without one.
  const client = def.path === "/auth/logout" ? request(t.app) : def.access === "platformAdmin" ? platformAdmin.agent : owner.agent;
  const url = query ? `${path}?${query}` : path;
  let req = client[def.method](url);
  if (def.path.startsWith("/webhooks")) req = req.set("elevenlabs-signature", `t=${Math.floor(Date.now() / 1000)},v0=${"0".repeat(64)}`);
  if (def.method === "get") return req;
  return req.set("content-type", "application/json").send(JSON.stringify(body) ?? "null");
}

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY);
  fake.addAgent(KEY, EL_AGENT, "Bad input agent");
  // Platform-admin routes are called as a platform admin (another organization), so hostile input reaches their parsing too.
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url, PLATFORM_ADMIN_EMAILS: "bad-input-platform@example.com" } });
  routes = t.app.locals.routes as AnyRouteDef[];
  superuser = new pg.Client({ connectionString: t.databaseUrl });
  await superuser.connect();
  owner = await signUp(t.app);
  platformAdmin = await signUp(t.app, { email: "bad-input-platform@example.com" });
  // A listed address signed up with a password is admin only once granted (or verified): DESIGN §12.
  await grantPlatformAdmin(t.deps.db, "bad-input-platform@example.com", new Date());
  expect((await platformAdmin.agent.get("/api/auth/user").expect(200)).body.isPlatformAdmin).toBe(true);
  const integration = await owner.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY, webhookSecret: SECRET }).expect(200);
  webhookPath = new URL(integration.body.webhook.url as string).pathname;
  const agent = await owner.agent.post("/api/agents").send({ elevenLabsAgentId: EL_AGENT }).expect(201);
  await deliver(t.app, webhookPath, transcriptionEvent(makeConversation(EL_AGENT, { conversation_id: "conv_bad_input" })), SECRET).expect(200);
  await project(t);
  const call = (await owner.agent.get("/api/call-logs").expect(200)).body.data[0] as { id: string };
  const pending = await invite(owner.agent, "viewer");
  realIds = [agent.body.id as string, call.id, owner.user.id, pending.invitationId, "elevenlabs", webhookPath.split("/").at(-1)!];
});
afterAll(async () => {
  await superuser?.end();
  await t?.close();
  await fake.stop();
});

describe("hostile input on every route", () => {
  it("covers the whole router", () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((d) => d.body || d.query).length).toBeGreaterThan(8);
  });

  it("answers every route's hostile body, query and path with a 2xx/3xx or a coded 4xx, never a 500 or a stack, never a half-written row", async () => {
    const failures: string[] = [];
    for (const def of routes) {
      await fc.assert(
        fc.asyncProperty(pathArb(def), def.query || def.method === "get" ? queryArb(def) : fc.constant(""), bodyArb(def), async (path, query, body) => {
          const before = await fingerprint();
          const res = await send(def, path, query, body);
          const found = problems(res);
          if (res.status >= 400 && res.status < 500) {
            const after = await fingerprint();
            if (after !== before) found.push(`a refused request (${res.status} ${res.body?.error?.code}) changed the database`);
          }
          if (found.length) failures.push(`${key(def)} ${path}${query ? `?${query.slice(0, 200)}` : ""} body=${(JSON.stringify(body) ?? "").slice(0, 200)}: ${found.join("; ")}`);
          return found.length === 0;
        }),
        { numRuns: RUNS, endOnFailure: true },
      ).catch((err: unknown) => {
        // A failed property is already in `failures`; anything else (a thrown request) is reported here.
        const message = String(err);
        if (!/Property failed by returning false/.test(message)) failures.push(`${key(def)}: ${message.slice(0, 600)}`);
      });
    }
    expect(failures).toEqual([]);
    // The owner is still who they were: no hostile body escalated or replaced the session.
    const me = await owner.agent.get("/api/auth/user").expect(200);
    expect(me.body).toMatchObject({ id: owner.user.id, role: "owner", isPlatformAdmin: false });
  }, 120_000);
});

/** Dates, years, numbers and unicode that once reached PostgreSQL (issue 16), for the per-parameter sweep. */
const SWEEP_VALUES = [
  "0000-01",
  "9999-12",
  "0000-01-01",
  "9999-12-31",
  "1969-12-31",
  "2101-01-01",
  "2026-02-30",
  "2026-13-45",
  "2026-13-45T25:61:61.000000Z",
  "2024-01-01T24:00:00Z",
  "2024-01-01T23:59:60Z",
  "2024-01-01T00:00:00+99:99",
  "275760-09-13T00:00:00.001Z",
  "-271821-04-20T00:00:00Z",
  "9".repeat(400),
  "1e400",
  "-1e400",
  "18446744073709551616",
  "NaN",
  "0x7fffffff",
  "\u0000",
  "\uD800",
  "١٢",
  "２０２６-０１-０１",
  "\u202E2026-01-01",
  "😀",
  "a".repeat(2_000),
];

/** Cursors of each shape the API hands out, holding the impossible times above. */
function hostileCursors(): string[] {
  const id = "00000000-0000-4000-8000-000000000000";
  const times = ["2026-13-45T25:61:61.000000Z", "0000-01-01T00:00:00.000000Z", "2026-02-30T00:00:00.000000Z", "2024-01-01T24:00:00.000000Z", "9999-12-31T23:59:59.999999Z"];
  return times.flatMap((at) => [
    Buffer.from(JSON.stringify([at, id])).toString("base64url"),
    Buffer.from(`${at}|${id}`).toString("base64url"),
    Buffer.from(JSON.stringify({ at, id })).toString("base64url"),
  ]);
}

describe("every query parameter of every route", () => {
  it("answers impossible dates, extreme years, huge numbers and odd unicode with a coded 4xx or a 2xx, never a 500", async () => {
    const failures: string[] = [];
    let requests = 0;
    for (const def of routes.filter((d) => d.query)) {
      const path = `/api${def.path.replace(/:(\w+)/g, (_m, name: string) => (name === "provider" ? "elevenlabs" : realIds[0]))}`;
      for (const field of schemaKeys(def.query)) {
        const values = field === "cursor" ? [...SWEEP_VALUES, ...hostileCursors()] : SWEEP_VALUES;
        for (const value of values) {
          requests += 1;
          const res = await send(def, path, `${encode(field)}=${encode(value)}`, undefined);
          const found = problems(res);
          if (found.length) failures.push(`${key(def)} ?${field}=${value.slice(0, 60)}: ${found.join("; ")}`);
        }
      }
    }
    expect(requests).toBeGreaterThan(500);
    expect(failures).toEqual([]);
  }, 180_000);

  it("answers a date outside 1970-2100 with 400 invalid_date naming the field, on every date parameter", async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const def of routes.filter((d) => d.query)) {
      const path = `/api${def.path.replace(/:(\w+)/g, (_m, name: string) => (name === "provider" ? "elevenlabs" : realIds[0]))}`;
      for (const field of schemaKeys(def.query).filter((f) => ["from", "to", "month"].includes(f))) {
        checked += 1;
        for (const value of field === "month" ? ["0000-01", "9999-12", "1969-12", "2101-01"] : ["1969-12-31", "2101-01-01", "0000-01-01", "9999-12-31T00:00:00Z"]) {
          const res = await send(def, path, `${field}=${encode(value)}`, undefined);
          if (res.status !== 400 || res.body?.error?.code !== "invalid_date" || !res.body.error.fields?.[field])
            failures.push(`${key(def)} ?${field}=${value}: ${res.status} ${res.text.slice(0, 200)}`);
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10); // call logs, count, CSV, NDJSON, analytics, quality: from and to; billing: month
    expect(failures).toEqual([]);
  });
});

describe("transport-level bad input", () => {
  const writes = () => routes.filter((d) => d.method !== "get" && !d.path.includes(":"));

  it("refuses malformed JSON with 400 invalid_json on every body-taking route", async () => {
    const before = await fingerprint();
    for (const def of writes().filter((d) => !d.path.startsWith("/webhooks"))) {
      for (const raw of ['{"email": ', "{'a': 1}", "[1, 2", '{"a": 1}}', "\u0000", '{"__proto__": {"isPlatformAdmin": true}, "x": }']) {
        const res = await send(def, `/api${def.path}`, "", undefined).set("content-type", "application/json").send(raw);
        expect(problems(res), `${key(def)} with ${JSON.stringify(raw)}`).toEqual([]);
        expect(res.status, `${key(def)} with ${JSON.stringify(raw)}`).toBe(400);
        expect(res.body.error.code).toBe("invalid_json");
      }
    }
    expect(await fingerprint()).toBe(before);
  });

  it("treats a body of the wrong content type as no body (a 4xx with a code, never a 500)", async () => {
    const before = await fingerprint();
    for (const def of writes()) {
      for (const [type, raw] of [
        ["text/plain", '{"elevenLabsAgentId": "agent_bad_input"}'],
        ["application/x-www-form-urlencoded", "email=a%40b.c&password=xxxxxxxxxxxx"],
        ["multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--"],
        ["application/xml", "<a>1</a>"],
      ]) {
        const res = await send(def, `/api${def.path}`, "", undefined).set("content-type", type).send(raw);
        expect(problems(res), `${key(def)} as ${type}`).toEqual([]);
      }
    }
    expect(await fingerprint()).toBe(before);
  });

  it("refuses an unsupported charset or encoding with 415 and a code", async () => {
    const latin1 = await owner.agent.post("/api/agents").set("content-type", "application/json; charset=iso-8859-1").send('{"elevenLabsAgentId":"x"}');
    expect(problems(latin1)).toEqual([]);
    expect(latin1.status).toBe(415);
    const utf16 = await owner.agent.post("/api/agents").set("content-type", "application/json; charset=utf-16").send('{"elevenLabsAgentId":"x"}');
    expect(problems(utf16)).toEqual([]);
    expect(utf16.status).toBe(400);
    const gzip = await owner.agent.post("/api/agents").set("content-type", "application/json").set("content-encoding", "br-nonsense").send('{"a":1}');
    expect(problems(gzip)).toEqual([]);
    expect(gzip.status).toBe(415);
    const badGzip = await owner.agent.post("/api/agents").set("content-type", "application/json").set("content-encoding", "gzip").send("not gzip at all");
    expect(problems(badGzip)).toEqual([]);
    expect(badGzip.status).toBeGreaterThanOrEqual(400);
  });

  it("refuses oversize bodies with 413 payload_too_large, before touching anything", async () => {
    const before = await fingerprint();
    const big = JSON.stringify({ elevenLabsAgentId: EL_AGENT, name: "n".repeat(400 * 1024) });
    for (const path of ["/api/agents", "/api/integrations", "/api/auth/register", "/api/auth/login/password", "/api/team/invitations"]) {
      const res = await owner.agent.post(path).set("content-type", "application/json").send(big);
      expect(problems(res), path).toEqual([]);
      expect(res.status, path).toBe(413);
      expect(res.body.error.code).toBe("payload_too_large");
    }
    // Webhooks accept several MB of audio, but not without bound.
    const res = await declaredHugeBody(webhookPath, 64 * 1024 * 1024);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text).error.code).toBe("payload_too_large");
    expect(await fingerprint()).toBe(before);
  });

  it("refuses NUL in every body and query field with 400 invalid_input (PostgreSQL text cannot hold it)", async () => {
    const before = await fingerprint();
    const failures: string[] = [];
    for (const def of routes) {
      const path = `/api${def.path.replace(/:(\w+)/g, (_m, name: string) => (name === "provider" ? "elevenlabs" : "00000000-0000-4000-8000-000000000000"))}`;
      for (const field of schemaKeys(def.body)) {
        const res = await send(def, path, "", { [field]: "a\u0000b" });
        const found = problems(res);
        if (res.status !== 400 && res.status !== 429) found.push(`expected 400, got ${res.status} ${res.text.slice(0, 200)}`);
        if (found.length) failures.push(`${key(def)} body.${field}: ${found.join("; ")}`);
      }
      for (const field of schemaKeys(def.query)) {
        const res = await send(def, path, `${field}=a%00b`, undefined);
        const found = problems(res);
        if (res.status !== 400 && res.status !== 429) found.push(`expected 400, got ${res.status} ${res.text.slice(0, 200)}`);
        if (found.length) failures.push(`${key(def)} ?${field}: ${found.join("; ")}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await fingerprint()).toBe(before);
  });

  it("stores a webhook whose strings hold NUL or lone surrogates (cleaned), instead of failing and being retried forever", async () => {
    const conversation = makeConversation(EL_AGENT, { conversation_id: "conv_bad_chars" });
    conversation.transcript[0].message = "hello\u0000world \uD800";
    (conversation.analysis as Record<string, unknown>).transcript_summary = "sum\u0000mary";
    (conversation.analysis as Record<string, unknown>).call_summary_title = "Ti\uDC00tle";
    conversation.metadata["odd\u0000key"] = "v\u0000";
    // The hostile-input run rotates the webhook URL (POST .../webhook-token) more than once: use the current one.
    const integration = (await owner.agent.get("/api/integrations").expect(200)).body.data[0] as { webhook: { url: string } };
    const res = await deliver(t.app, new URL(integration.webhook.url).pathname, transcriptionEvent(conversation), SECRET);
    expect(problems(res)).toEqual([]);
    expect(res.status).toBe(200);
    await project(t);
    const list = await owner.agent.get("/api/call-logs?limit=100").expect(200);
    const id = (list.body.data as Array<{ id: string; conversationId: string }>).find((c) => c.conversationId === "conv_bad_chars")!.id;
    const detail = await owner.agent.get(`/api/call-logs/${id}`).expect(200);
    expect(detail.body.transcript[0].message).toBe("helloworld \uFFFD");
    expect(detail.body.summary).toBe("summary");
    expect(detail.body.summaryTitle).toBe("Ti\uFFFDtle");
  });

  it("never lets a __proto__ key pollute prototypes", async () => {
    const raw = '{"__proto__": {"polluted": "yes", "isPlatformAdmin": true}, "constructor": {"prototype": {"polluted": "yes"}}, "provider": "elevenlabs"}';
    for (const def of writes()) await send(def, `/api${def.path}`, "", undefined).set("content-type", "application/json").send(raw);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("isPlatformAdmin");
    const me = await owner.agent.get("/api/auth/user").expect(200);
    expect(me.body.isPlatformAdmin).toBe(false);
  });
});
