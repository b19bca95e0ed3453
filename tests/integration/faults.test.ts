/**
 * ElevenLabs misbehaving: hanging past the timeout, 500s, 429s (short and long Retry-After), malformed JSON,
 * wrong shapes, a 30 MB body, audio cut off mid-stream. The client turns each into a clear error code without
 * buffering unbounded bodies, and the app answers with that code and writes nothing half-done.
 *
 * The app builds its client with production defaults (10 s timeout, 3 retries with backoff), which would make a
 * timeout test take a minute; this file gives its app shorter ones through AppDeps (1.5 s, one retry, no backoff),
 * keeping every code path real.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { ElevenLabsClient, type ElevenLabsClientOptions } from "../../server/elevenlabs/client";
import { ElevenLabsError } from "../../server/elevenlabs/errors";
import { agents, auditLog, callAudio, integrations } from "../../server/db/schema";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { insertCall } from "../helpers/calls";
import { fakeMp3 } from "../fake-elevenlabs/server";


const KEY = "sk_test_faults_e1a9";
const AGENT_ID = "agent_faults";
const MB = 1024 * 1024;

// ---- a programmable ElevenLabs

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let fault: Handler | null = null;
let requests: string[] = [];
const hanging = new Set<http.ServerResponse>();
let baseUrl = "";

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

const normal: Handler = (req, res) => {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  if (req.headers["xi-api-key"] !== KEY) return json(res, 401, { detail: { status: "invalid_api_key" } });
  if (path === "/v1/user") return json(res, 200, { user_id: "u", subscription: { tier: "creator" } });
  if (path === "/v1/convai/agents") return json(res, 200, { agents: [], next_cursor: null, has_more: false });
  if (path === `/v1/convai/agents/${AGENT_ID}`) return json(res, 200, { agent_id: AGENT_ID, name: "Faults agent" });
  const audio = path.match(/^\/v1\/convai\/conversations\/([^/]+)\/audio$/);
  if (audio) {
    const mp3 = fakeMp3(50);
    res.writeHead(200, { "content-type": "audio/mpeg", "content-length": mp3.length });
    return void res.end(mp3);
  }
  json(res, 404, { detail: { status: "document_not_found" } });
};

/** Never answers (until the test ends): longer than any client timeout. */
const hang: Handler = (_req, res) => {
  hanging.add(res);
};

type StreamRecord = { sent: number; finished: boolean; closed: boolean };
const streamRecord = (): StreamRecord => ({ sent: 0, finished: false, closed: false });

/**
 * Streams `total` bytes of a JSON string in 64 KB chunks, honouring backpressure; records how far the last
 * request got. `declare` sends a Content-Length (else the body is chunked, its size unknown up front).
 */
function streamJson(total: number, record: StreamRecord = streamRecord(), declare = false): Handler {
  const head = '{"agents": ["';
  const tail = '"], "next_cursor": null, "has_more": false}';
  return (_req, res) => {
    Object.assign(record, streamRecord());
    const length = head.length + Math.ceil(total / (64 * 1024)) * 64 * 1024 + tail.length;
    res.writeHead(200, { "content-type": "application/json", ...(declare ? { "content-length": String(length) } : {}) });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    res.write(head);
    res.on("close", () => {
      record.closed = true;
    });
    const pump = () => {
      while (record.sent < total && !res.destroyed) {
        record.sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      if (!res.destroyed) {
        res.end(tail);
        record.finished = true;
      }
    };
    pump();
  };
}

const server = http.createServer((req, res) => {
  requests.push(`${req.method} ${new URL(req.url ?? "/", "http://x").pathname}`);
  (fault ?? normal)(req, res);
});

function releaseHanging() {
  for (const res of hanging) res.destroy();
  hanging.clear();
}

const client = (options: Partial<ElevenLabsClientOptions> = {}) =>
  new ElevenLabsClient({ baseUrl, apiKey: KEY, timeoutMs: 10_000, maxRetries: 2, sleep: async () => {}, ...options });

async function failure(promise: Promise<unknown>): Promise<ElevenLabsError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ElevenLabsError);
  return err as ElevenLabsError;
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  releaseHanging();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  fault = null;
  requests = [];
  releaseHanging();
});

describe("ElevenLabs client under faults", () => {
  it("gives up on a hanging ElevenLabs after its timeout (retried, then unreachable)", async () => {
    fault = hang;
    const err = await failure(client({ timeoutMs: 1_000, maxRetries: 2 }).getUser());
    expect(err.code).toBe("unreachable");
    // Retried (an attempt that times out before it even connects, on a loaded machine, is not seen here).
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.length).toBeLessThanOrEqual(3);
    expect(new Set(requests)).toEqual(new Set(["GET /v1/user"]));
  });

  it("retries a 500 and then reports unreachable with the status", async () => {
    fault = (_req, res) => json(res, 500, { detail: { status: "internal_error" } });
    const err = await failure(client().listAgents());
    expect(err).toMatchObject({ code: "unreachable", status: 500 });
    expect(requests).toHaveLength(3);
    // A transient 500 is retried to success.
    let n = 0;
    fault = (req, res) => (n++ === 0 ? json(res, 503, {}) : normal(req, res));
    await expect(client().getUser()).resolves.toMatchObject({ user_id: "u" });
  });

  it("waits out a short Retry-After, but surfaces a long one as rate_limited without waiting", async () => {
    const slept: number[] = [];
    let n = 0;
    fault = (req, res) => (n++ === 0 ? json(res, 429, { detail: { status: "rate_limit_exceeded" } }, { "retry-after": "1" }) : normal(req, res));
    await expect(client({ sleep: async (ms) => void slept.push(ms), maxRetryWaitMs: 5_000 }).getUser()).resolves.toMatchObject({ user_id: "u" });
    expect(slept).toEqual([1_000]);

    requests = [];
    fault = (_req, res) => json(res, 429, { detail: { status: "rate_limit_exceeded" } }, { "retry-after": "3600" });
    const err = await failure(client({ sleep: async (ms) => void slept.push(ms), maxRetryWaitMs: 5_000 }).getUser());
    expect(err).toMatchObject({ code: "rate_limited", status: 429, retryAfterSeconds: 3600 });
    expect(requests).toHaveLength(1);
    expect(slept).toEqual([1_000]);
  });

  it("reports malformed JSON, HTML and wrong shapes as bad_response", async () => {
    for (const [type, body] of [
      ["application/json", '{"agents": [ {"agent_id": '],
      ["text/html", "<html><body>Bad gateway</body></html>"],
      ["application/json", ""],
      ["application/json", '{"agents": 42}'],
      ["application/json", "null"],
    ]) {
      fault = (_req, res) => {
        res.writeHead(200, { "content-type": type });
        res.end(body);
      };
      const err = await failure(client().listAgents());
      expect(err.code, body).toBe("bad_response");
    }
  });

  it("refuses a 30 MB body past maxJsonBytes, reading it as a stream and hanging up early", async () => {
    // Chunked (size unknown up front), with the production limit (20 MB) and a generous timeout.
    const withDefaults = streamRecord();
    fault = streamJson(30 * MB, withDefaults);
    const err = await failure(client({ timeoutMs: 60_000 }).listAgents());
    expect(err.code).toBe("bad_response");
    expect(err.message).toMatch(/too large/);
    await vi.waitFor(() => expect(withDefaults.closed).toBe(true));
    expect(withDefaults.finished).toBe(false);

    // With a small limit the server is cut off long before it has sent the 30 MB: the client does not buffer it all.
    const small = streamRecord();
    fault = streamJson(30 * MB, small);
    const err2 = await failure(client({ maxJsonBytes: MB, timeoutMs: 60_000 }).listAgents());
    expect(err2.code).toBe("bad_response");
    await vi.waitFor(() => expect(small.closed).toBe(true));
    expect(small.finished).toBe(false);
    expect(small.sent).toBeLessThan(30 * MB);

    // A declared 30 MB is refused before reading the body at all.
    const declared = streamRecord();
    fault = streamJson(30 * MB, declared, true);
    const err3 = await failure(client({ timeoutMs: 60_000 }).listAgents());
    expect(err3.code).toBe("bad_response");
    expect(err3.message).toMatch(/too large/);
    await vi.waitFor(() => expect(declared.closed).toBe(true));
    expect(declared.finished).toBe(false);
  });

  it("reports a body that stops arriving as unreachable (a timeout), not as malformed JSON", async () => {
    fault = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"agents": [{"agent_id": "a", ');
      hanging.add(res);
    };
    const err = await failure(client({ timeoutMs: 1_000, maxRetries: 0 }).listAgents());
    expect(err.code).toBe("unreachable");
    releaseHanging();
    // Or the connection drops mid-body.
    fault = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"agents": [', () => res.destroy());
    };
    const dropped = await failure(client({ maxRetries: 0 }).listAgents());
    expect(dropped.code).toBe("unreachable");
  });

  it("cleans NUL and lone surrogates out of answers (PostgreSQL could not store them; a sync would fail forever)", async () => {
    fault = (_req, res) =>
      json(res, 200, { agent_id: "a\u0000b", conversation_id: "c", status: "done", transcript: [{ role: "user", message: "hi\u0000 \uD800" }], metadata: { "k\u0000": 1 } });
    const detail = await client().getConversation("c");
    expect(detail.agent_id).toBe("ab");
    expect(detail.transcript?.[0].message).toBe("hi \uFFFD");
    expect(detail.metadata).toEqual({ k: 1 });
  });

  it("does not follow redirects", async () => {
    fault = (_req, res) => {
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data" });
      res.end();
    };
    const err = await failure(client().getUser());
    expect(err).toMatchObject({ code: "unreachable", status: 302 });
    expect(requests).toEqual(["GET /v1/user"]);
  });
});

describe("the app under ElevenLabs faults", () => {
  let t: TestApp;
  let owner: Awaited<ReturnType<typeof signUp>>;
  let org: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { ELEVENLABS_API_URL: baseUrl }, elevenlabs: { timeoutMs: 1_500, maxRetries: 1, maxRetryWaitMs: 1_000, sleep: async () => {} } });
    owner = await signUp(t.app);
    org = owner.user.organization.id;
  });
  afterAll(async () => t?.close());

  const integrationRow = async () => (await t.deps.db.select().from(integrations).where(eq(integrations.organizationId, org)))[0];
  const agentRows = () => t.deps.db.select().from(agents).where(eq(agents.organizationId, org));
  const auditActions = async () => (await t.deps.db.select().from(auditLog).where(eq(auditLog.organizationId, org))).map((r) => r.action);

  const FAULTS: Array<[string, () => Handler, number, string]> = [
    ["hanging past the timeout", () => hang, 502, "unreachable"],
    ["answering 500", () => (_req, res) => json(res, 500, { detail: { status: "internal_error" } }), 502, "unreachable"],
    ["answering 429 with a long Retry-After", () => (_req, res) => json(res, 429, {}, { "retry-after": "600" }), 429, "rate_limited"],
    ["answering malformed JSON", () => (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end("{{{"), 502, "bad_response"],
    ["answering a declared 30 MB body", () => streamJson(30 * MB, streamRecord(), true), 502, "bad_response"],
    ["cutting the answer off mid-body", () => (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "5000" });
      res.write('{"user_id": "u", "agent_id": "', () => res.destroy());
    }, 502, "unreachable"],
  ];

  it("stores a key tested during an outage as PENDING with the reason, never as a half-row", async () => {
    fault = (_req, res) => json(res, 500, {});
    const res = await owner.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY, webhookSecret: "whsec_faults" }).expect(200);
    expect(res.body).toMatchObject({ status: "PENDING", keyHint: `…${KEY.slice(-4)}`, webhook: { secretConfigured: true } });
    expect(res.body.lastError).toMatch(/^unreachable: /);
    const row = await integrationRow();
    expect(row).toMatchObject({ status: "PENDING", keyHint: KEY.slice(-4) });
    expect(row.encryptedApiKey).toBeTruthy();
    expect(row.encryptedWebhookSecret).toBeTruthy();
    expect(row.lastTestedAt).not.toBeNull();

    fault = null;
    const ok = await owner.agent.post("/api/integrations/test").send({ provider: "elevenlabs" }).expect(200);
    expect(ok.body).toMatchObject({ status: "ACTIVE", lastError: null });
  });

  for (const [name, make, status, code] of FAULTS) {
    it(`answers ${status} ${code} when ElevenLabs is ${name}, and registers nothing`, async () => {
      const auditBefore = await auditActions();
      fault = make();
      for (const [path, body] of [
        ["/api/agents/validate", { elevenLabsAgentId: AGENT_ID }],
        ["/api/agents", { elevenLabsAgentId: AGENT_ID }],
      ] as const) {
        const res = await owner.agent.post(path).send(body);
        expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(status);
        expect(res.body.error.code).toBe(code);
        expect(res.body.error.message).toBeTruthy();
        expect(JSON.stringify(res.body)).not.toMatch(/at \/|127\.0\.0\.1|Error:/);
        releaseHanging();
      }
      // Testing the key during the fault keeps the key ACTIVE (an outage says nothing about it) and says why.
      const tested = await owner.agent.post("/api/integrations/test").send({ provider: "elevenlabs" }).expect(200);
      expect(tested.body.status).toBe("ACTIVE");
      expect(tested.body.lastError).toMatch(new RegExp(`^${code}: `));
      releaseHanging();

      expect(await agentRows()).toEqual([]);
      expect(await auditActions()).toEqual(auditBefore);
      fault = null;
      await owner.agent.post("/api/integrations/test").send({ provider: "elevenlabs" }).expect(200);
    });
  }

  it("recovers once ElevenLabs is back: the same agent registers", async () => {
    fault = null;
    await owner.agent.post("/api/agents").send({ elevenLabsAgentId: AGENT_ID }).expect(201);
    expect(await agentRows()).toHaveLength(1);
  });

  it("keeps no partial recording when the audio download fails or is cut off", async () => {
    const call = await insertCall(t.deps.db, org, { elevenlabsAgentId: AGENT_ID, conversationId: "conv_faults_audio", hasAudio: true });
    const stored = async () => t.deps.db.select({ id: callAudio.callLogId }).from(callAudio).where(and(eq(callAudio.organizationId, org), eq(callAudio.callLogId, call.id)));

    for (const [name, handler, code] of [
      ["500", (_req: http.IncomingMessage, res: http.ServerResponse) => json(res, 500, {}), "unreachable"],
      ["hanging", hang, "unreachable"],
      ["429", (_req: http.IncomingMessage, res: http.ServerResponse) => json(res, 429, {}, { "retry-after": "600" }), "rate_limited"],
    ] as const) {
      fault = handler;
      const res = await owner.agent.get(`/api/call-logs/${call.id}/audio`);
      expect(res.status, name).toBeGreaterThanOrEqual(429);
      expect(res.status, name).toBeLessThan(600);
      expect(res.status, name).not.toBe(500);
      expect(res.body.error.code, name).toBe(code);
      releaseHanging();
      expect(await stored(), name).toEqual([]);
    }

    // Cut off after a third of the announced bytes: the client sees a broken response, nothing is kept.
    fault = (_req, res) => {
      res.writeHead(200, { "content-type": "audio/mpeg", "content-length": 300_000 });
      res.write(Buffer.alloc(100_000, 0xff), () => res.destroy());
    };
    const cut = await owner.agent
      .get(`/api/call-logs/${call.id}/audio`)
      .buffer(true)
      .parse((r, cb) => {
        let n = 0;
        r.on("data", (c: Buffer) => (n += c.length));
        r.on("end", () => cb(null, n));
        r.on("error", (e) => cb(e, n));
      })
      .then(
        (r) => ({ ok: true, status: r.status, bytes: r.body as number }),
        (e: unknown) => ({ ok: false, status: 0, bytes: 0, error: String(e) }),
      );
    // Either the transfer breaks, or it is refused up front: never a complete-looking 200 of the wrong length.
    if (cut.ok && cut.status === 200) expect(cut.bytes).toBeLessThan(300_000);
    expect(await stored()).toEqual([]);

    fault = null;
    await owner.agent.get(`/api/call-logs/${call.id}/audio`).expect(200);
    // The client has every announced byte before the server's store commits (it ends the response after): wait for it.
    await vi.waitFor(async () => expect(await stored()).toHaveLength(1), { timeout: 5_000 });
  });
});
