/**
 * Ingestion health (DESIGN.md §8, §14): the deliveries list with states and refused counts by reason, the last
 * webhook time, the ElevenLabs workspace webhook's status, and a signed test event to the organization's own URL
 * (the app listens on a real port, which APP_URL names).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { deliver, transcriptionEvent } from "../helpers/webhooks";
import { project } from "../helpers/inbox";
import { FakeElevenLabs, makeConversation } from "../fake-elevenlabs/server";

const KEY = "sk_test_health_1111";
const RESTRICTED_KEY = "sk_test_health_2222";
const SECRET = "whsec_health_secret";

const fake = new FakeElevenLabs();
let t: TestApp;
let server: http.Server;
let app: Express | null = null;

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY).addWorkspace(RESTRICTED_KEY, { restricted: true });
  fake.addAgent(KEY, "agent_health", "Health");
  fake.addAgent(RESTRICTED_KEY, "agent_health_r", "Restricted");
  server = http.createServer((req, res) => (app ? app(req, res) : res.end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url, APP_URL: appUrl } });
  app = t.app;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
  await fake.stop();
});

async function connected(key: string, agentId: string, secret: string | null = SECRET) {
  const s = await signUp(t.app);
  const res = await s.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: key, ...(secret ? { webhookSecret: secret } : {}) }).expect(200);
  await s.agent.post("/api/agents").send({ elevenLabsAgentId: agentId }).expect(201);
  return { ...s, url: res.body.webhook.url as string, path: new URL(res.body.webhook.url).pathname };
}

describe("deliveries", () => {
  it("lists deliveries newest first with their state, the last webhook time, and refused ones by reason (bodies not kept)", async () => {
    const org = await connected(KEY, "agent_health");
    const other = await connected(KEY, "agent_health");
    const conversation = makeConversation("agent_health");
    await deliver(t.app, org.path, transcriptionEvent(conversation), SECRET).expect(200);
    await deliver(t.app, org.path, "{ not json", SECRET).expect(200);
    await deliver(t.app, org.path, transcriptionEvent(conversation), "wrong-secret").expect(401);
    await deliver(t.app, org.path, transcriptionEvent(conversation), "wrong-secret").expect(401);
    await deliver(t.app, org.path, transcriptionEvent(conversation), SECRET, { timestamp: Math.floor(Date.now() / 1000) - 3600 }).expect(401);
    await project(t);

    let page = (await org.agent.get("/api/integrations/elevenlabs/deliveries").expect(200)).body;
    // Refusals are added up in memory and written once a second.
    for (let i = 0; i < 50 && (page.rejected24h.invalid_signature ?? 0) < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      page = (await org.agent.get("/api/integrations/elevenlabs/deliveries").expect(200)).body;
    }
    expect(page.rejected24h).toEqual({ invalid_signature: 2, stale_timestamp: 1 });
    expect(page.lastWebhookAt).not.toBeNull();
    const webhooks = page.data.filter((d: { source: string }) => d.source === "webhook");
    expect(webhooks.map((d: { type: string | null; state: string }) => [d.type, d.state])).toEqual([
      [null, "failed"],
      ["post_call_transcription", "processed"],
    ]);
    expect(webhooks[0].error).toMatch(/invalid_json/);
    expect(webhooks[1].conversationId).toBe(conversation.conversation_id);

    // Another organization sees none of it.
    const foreign = (await other.agent.get("/api/integrations/elevenlabs/deliveries").expect(200)).body;
    expect(foreign.data.filter((d: { source: string }) => d.source === "webhook")).toEqual([]);
    expect(foreign.rejected24h).toEqual({});
    expect(foreign.lastWebhookAt).toBeNull();
  });
});

describe("workspace webhook status", () => {
  it("shows ElevenLabs' own view of the workspace webhooks, and says when the key may not read them", async () => {
    const org = await connected(KEY, "agent_health");
    const hook = fake.addWebhook(KEY, org.url, SECRET, "Ours");
    fake.addWebhook(KEY, "https://elsewhere.example/hook", "x", "Theirs");
    // The fake delivers to our URL itself.
    expect(await fake.deliverWebhook(hook, transcriptionEvent(makeConversation("agent_health")))).toBe(200);
    const status = (await org.agent.get("/api/integrations/elevenlabs/webhook-status").expect(200)).body;
    expect(status.available).toBe(true);
    const ours = status.webhooks.find((w: { name: string }) => w.name === "Ours");
    expect(ours).toMatchObject({ pointsHere: true, isDisabled: false, isAutoDisabled: false, mostRecentFailureAt: null });
    expect(status.webhooks.find((w: { name: string }) => w.name === "Theirs")).toMatchObject({ pointsHere: false });

    const restricted = await connected(RESTRICTED_KEY, "agent_health_r");
    const none = (await restricted.agent.get("/api/integrations/elevenlabs/webhook-status").expect(200)).body;
    expect(none).toEqual({ available: false, reason: "missing_permissions", webhooks: [] });
  });
});

describe("test event", () => {
  it("delivers a signed sample to the organization's own URL: stored, verified, no call built", async () => {
    const org = await connected(KEY, "agent_health");
    const sent = await org.agent.post("/api/integrations/elevenlabs/test-event").send({}).expect(202);
    expect(sent.body).toMatchObject({ delivered: true, status: 200, error: null, url: org.url });
    await project(t);
    const page = (await org.agent.get("/api/integrations/elevenlabs/deliveries").expect(200)).body;
    expect(page.data.find((d: { type: string }) => d.type === "voiceai_test_event")).toMatchObject({ source: "webhook" });
    expect((await org.agent.get("/api/call-logs").expect(200)).body.data).toEqual([]);

    const noSecret = await connected(KEY, "agent_health", null);
    const refused = await noSecret.agent.post("/api/integrations/elevenlabs/test-event").send({}).expect(409);
    expect(refused.body.error.code).toBe("webhook_secret_required");
  });
});
