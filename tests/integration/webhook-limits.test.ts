/**
 * Webhook limits (DESIGN.md §8) over real sockets: only failed verifications count, per client address; a verified
 * delivery is never refused for volume; an unknown token is refused before its body is read; a body that never
 * finishes is cut off. The flooder binds 127.0.0.50, ElevenLabs 127.0.0.1 (both loopback on Linux).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { createApp } from "../../server/app";
import { signatureHeader } from "../../server/elevenlabs/webhook-signature";
import { FAILURES_PER_MINUTE } from "../../server/services/ingestion/webhook-guard";
import { callAudioChunks, webhookEvents } from "../../server/db/schema";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { transcriptionEvent } from "../helpers/webhooks";
import { FakeElevenLabs, makeConversation } from "../fake-elevenlabs/server";

const KEY = "sk_test_limits_1111";
const SECRET = "whsec_limits_secret";
const ELEVENLABS = "127.0.0.1";
const FLOODER = "127.0.0.50";

const fake = new FakeElevenLabs();
let t: TestApp;
let server: http.Server;
let base: string;
let orgPath: string;
let organizationId: string;

type Answer = { status: number; body: string };

function post(path: string, body: string | Buffer, options: { from: string; headers?: Record<string, string> }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, {
      method: "POST",
      localAddress: options.from,
      agent: false,
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...options.headers },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function signed(body: string, secret = SECRET) {
  return { "elevenlabs-signature": signatureHeader(secret, body) };
}

/** Sends `total` bytes in 64 KB pieces (one reused buffer), stopping when the answer arrives; resolves with what was sent. */
function streamLargeBody(path: string, total: number, headers: Record<string, string>): Promise<{ status: number; sentBytes: number }> {
  const piece = Buffer.alloc(64 * 1024, 0x61);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(`${base}${path}`, {
      method: "POST",
      localAddress: FLOODER,
      agent: false,
      headers: { "content-type": "application/json", "content-length": String(total), ...headers },
    });
    req.on("response", (res) => {
      answered = true;
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, sentBytes: sent }));
    });
    // Writing into a socket the server closed fails: expected once it has answered.
    req.on("error", (err) => (answered ? undefined : reject(err)));
    const pump = () => {
      while (!answered && sent < total) {
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

async function storedEvents() {
  const [row] = await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(webhookEvents).where(eq(webhookEvents.organizationId, organizationId));
  return row.n;
}

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY);
  fake.addAgent(KEY, "agent_limits", "Limits");
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url } });
  const s = await signUp(t.app);
  const res = await s.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY, webhookSecret: SECRET }).expect(200);
  await s.agent.post("/api/agents").send({ elevenLabsAgentId: "agent_limits" }).expect(201);
  orgPath = new URL(res.body.webhook.url).pathname;
  organizationId = s.user.organization.id;
  // Limits on, as in production, and a short request timeout.
  const app = await createApp(t.deps, { rateLimits: true, webhookTimeoutMs: 1_000 });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
  await fake.stop();
});

describe("failed verifications only, per client address", () => {
  it("refuses a junk flood from one address (429 once over budget) and never refuses verified deliveries from another", async () => {
    const junk = JSON.stringify(transcriptionEvent(makeConversation("agent_limits")));
    const verifiedCount = FAILURES_PER_MINUTE + 50;
    const flood = async () => {
      const answers: number[] = [];
      for (let i = 0; i < 3 * FAILURES_PER_MINUTE; i++) {
        const path = i % 2 ? orgPath : "/api/webhooks/elevenlabs";
        // Spelled differently every time: buckets are keyed by route, not by path.
        const spelled = i % 3 === 0 ? path.replace("/webhooks/elevenlabs", "/WebHooks/ElevenLabs") : i % 3 === 1 ? `${path}/` : path;
        answers.push((await post(spelled, junk, { from: FLOODER, headers: signed(junk, "not-the-secret") })).status);
      }
      return answers;
    };
    const elevenlabs = async () => {
      const answers: number[] = [];
      for (let i = 0; i < verifiedCount; i++) {
        const body = JSON.stringify(transcriptionEvent(makeConversation("agent_limits")));
        answers.push((await post(i % 2 ? orgPath : "/api/webhooks/elevenlabs", body, { from: ELEVENLABS, headers: signed(body) })).status);
      }
      return answers;
    };
    const before = await storedEvents();
    const [flooded, delivered] = await Promise.all([flood(), elevenlabs()]);

    // Every verified delivery answered 200 and stored, although there were more of them than the failure budget.
    expect(delivered).toEqual(Array(verifiedCount).fill(200));
    expect((await storedEvents()) - before).toBe(verifiedCount);
    // The flooder is refused 401 until its budget is spent, then 429 (counted across both routes and every spelling).
    expect(flooded.every((s) => s === 401 || s === 429)).toBe(true);
    expect(flooded.slice(0, FAILURES_PER_MINUTE / 2)).toEqual(Array(FAILURES_PER_MINUTE / 2).fill(401));
    expect(flooded.slice(-FAILURES_PER_MINUTE)).toEqual(Array(FAILURES_PER_MINUTE).fill(429));
    // And still nothing of ElevenLabs' is refused afterwards.
    const body = JSON.stringify(transcriptionEvent(makeConversation("agent_limits")));
    expect((await post(orgPath, body, { from: ELEVENLABS, headers: signed(body) })).status).toBe(200);
  });
});

describe("before the body", () => {
  it("refuses a 50 MB post to an unknown token without reading it (the process does not grow by its size)", async () => {
    const size = 50 * 1024 * 1024;
    const rssBefore = process.memoryUsage().rss;
    const answer = await streamLargeBody("/api/webhooks/elevenlabs/unknown-token-0000000000000000", size, {
      "elevenlabs-signature": `t=${Math.floor(Date.now() / 1000)},v0=${"a".repeat(64)}`,
    });
    const grown = process.memoryUsage().rss - rssBefore;
    // 401 from a fresh address (127.0.0.50 has a spent budget: 429; either is a refusal before the body).
    expect([401, 429]).toContain(answer.status);
    expect(answer.sentBytes).toBeLessThan(size / 2);
    expect(grown).toBeLessThan(size / 2);
  });

  it("cuts off a delivery whose body never finishes, and stores nothing", async () => {
    const before = await storedEvents();
    const started = Date.now();
    const outcome = await new Promise<string>((resolve) => {
      const body = JSON.stringify(transcriptionEvent(makeConversation("agent_limits")));
      const req = http.request(`${base}${orgPath}`, {
        method: "POST",
        localAddress: ELEVENLABS,
        agent: false,
        headers: { "content-type": "application/json", "content-length": String(body.length + 1000), ...signed(body) },
      });
      req.on("response", (res) => resolve(`answered ${res.statusCode}`));
      req.on("error", () => resolve("cut off"));
      req.write(body); // 1000 bytes short, and then silence
    });
    expect(outcome).toBe("cut off");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await storedEvents()).toBe(before);
  });
});

describe("the cap on unverified bytes", () => {
  it("counts only bytes held: a recording larger than the cap streams through to its chunks and is stored", async () => {
    // A cap of 2 MB and a 4 MB recording: its bytes go to call_audio_chunks as they arrive, so it never waits for
    // itself (or for other deliveries' recordings) until the request timeout.
    const small = await createApp({ ...t.deps, env: { ...t.deps.env, webhookUnverifiedBytes: 2 * 1024 * 1024 } }, { rateLimits: true, webhookTimeoutMs: 10_000 });
    const smallServer = http.createServer(small);
    await new Promise<void>((resolve) => smallServer.listen(0, "127.0.0.1", resolve));
    try {
      const audio = Buffer.alloc(3 * 1024 * 1024, 7);
      const body = JSON.stringify({ type: "post_call_audio", event_timestamp: Math.floor(Date.now() / 1000), data: { agent_id: "agent_limits", conversation_id: "conv_over_the_cap", full_audio: audio.toString("base64") } });
      expect(body.length).toBeGreaterThan(4 * 1024 * 1024);
      const answer = await new Promise<Answer>((resolve) => {
        const req = http.request(`http://127.0.0.1:${(smallServer.address() as AddressInfo).port}${orgPath}`, {
          method: "POST",
          localAddress: ELEVENLABS,
          agent: false,
          headers: { "content-type": "application/json", "content-length": String(body.length), ...signed(body) },
        });
        req.on("response", (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        });
        req.on("error", () => resolve({ status: 0, body: "cut off" }));
        req.end(body);
      });
      expect(answer.status).toBe(200);
      const [stored] = await t.deps.db
        .select({ bytes: sql<number>`coalesce(sum(length(${callAudioChunks.bytes})), 0)::int` })
        .from(callAudioChunks)
        .innerJoin(webhookEvents, eq(webhookEvents.id, callAudioChunks.eventId))
        .where(eq(webhookEvents.conversationId, "conv_over_the_cap"));
      expect(stored.bytes).toBe(audio.length);
    } finally {
      smallServer.closeAllConnections();
      await new Promise<void>((resolve) => smallServer.close(() => resolve()));
    }
  });
});
