import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import request from "supertest";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { FakeElevenLabs } from "../fake-elevenlabs/server";
import type { SyncJob } from "../../server/services/jobs";
import { integrations } from "../../server/db/schema";

const KEY_A = "sk_test_workspace_a_9f3c";
const KEY_B = "sk_test_workspace_b_77aa";
const RESTRICTED = "sk_test_restricted_0042";

let t: TestApp;
const fake = new FakeElevenLabs();
const queued: SyncJob[] = [];

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY_A).addWorkspace(KEY_B).addWorkspace(RESTRICTED, { restricted: true });
  fake.addAgent(KEY_A, "agent_alpha", "Alpha Support");
  fake.addAgent(KEY_B, "agent_beta", "Beta Sales");
  fake.addAgent(RESTRICTED, "agent_gamma", "Gamma");
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url }, jobs: { enqueueSync: async (j) => void queued.push(j) } });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

describe("integrations", () => {
  it("starts NOT_CONFIGURED with the organization's webhook URL", async () => {
    const { agent } = await signUp(t.app);
    const res = await agent.get("/api/integrations").expect(200);
    expect(res.body.data[0]).toMatchObject({ provider: "elevenlabs", status: "NOT_CONFIGURED", keyHint: null, webhook: { secretConfigured: false } });
    expect(res.body.data[0].webhook.url).toMatch(/^http:\/\/app\.test\/api\/webhooks\/elevenlabs\/[A-Za-z0-9_-]{20,}$/);
  });

  it("saves a key, tests it at once, stores it encrypted and never returns it", async () => {
    const { agent, user } = await signUp(t.app);
    const res = await agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_A, webhookSecret: "whsec_abc" }).expect(200);
    expect(res.body).toMatchObject({ status: "ACTIVE", keyHint: "…9f3c", lastError: null, webhook: { secretConfigured: true } });
    expect(JSON.stringify(res.body)).not.toContain(KEY_A);
    expect(fake.requestsFor("/v1/user").at(-1)?.apiKey).toBe(KEY_A);
    const rows = await t.deps.db.select().from(integrations);
    const row = rows.find((r) => r.organizationId === user.organization.id)!;
    expect(row.encryptedApiKey).not.toContain(KEY_A);
    expect(row.encryptedApiKey).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(row.encryptedWebhookSecret).not.toContain("whsec_abc");
    expect(t.logs.join("\n")).not.toContain(KEY_A);
  });

  it("requires a key on first save", async () => {
    const { agent } = await signUp(t.app);
    const res = await agent.post("/api/integrations").send({ provider: "elevenlabs", webhookSecret: "x" }).expect(400);
    expect(res.body.error.fields.apiKey).toBeDefined();
  });

  it("explains an invalid key", async () => {
    const { agent } = await signUp(t.app);
    const res = await agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: "sk_wrong_key_1234" }).expect(200);
    expect(res.body.status).toBe("ERROR");
    expect(res.body.lastError).toMatch(/^invalid_api_key: /);
  });

  it("accepts a scope-restricted key that can read agents", async () => {
    const { agent } = await signUp(t.app);
    const res = await agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: RESTRICTED }).expect(200);
    expect(res.body.status).toBe("ACTIVE");
    expect(fake.requestsFor("/v1/convai/agents").some((r) => r.apiKey === RESTRICTED && r.query.page_size === "1")).toBe(true);
  });

  it("re-tests on demand and reports rate limits without condemning the key", async () => {
    const { agent } = await signUp(t.app);
    await agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_A }).expect(200);
    fake.failNext(429, { times: 10, retryAfter: 60 });
    const res = await agent.post("/api/integrations/test").send({ provider: "elevenlabs" }).expect(200);
    expect(res.body.status).toBe("ACTIVE");
    expect(res.body.lastError).toMatch(/^rate_limited/);
    fake.clearFailures();
    const ok = await agent.post("/api/integrations/test").send({ provider: "elevenlabs" });
    expect(ok.status).toBe(200);
  });

  it("deletes the key and secret", async () => {
    const { agent } = await signUp(t.app);
    await agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_A, webhookSecret: "s" }).expect(200);
    await agent.delete("/api/integrations/elevenlabs").expect(204);
    const res = await agent.get("/api/integrations").expect(200);
    expect(res.body.data[0]).toMatchObject({ status: "NOT_CONFIGURED", webhook: { secretConfigured: false } });
  });
});

describe("agents", () => {
  it("validates ids: 400 for malformed, 409 without integration, 422 unknown, name when found", async () => {
    const { agent } = await signUp(t.app);
    expect((await agent.post("/api/agents/validate").send({ elevenLabsAgentId: "../etc" }).expect(400)).body.error.code).toBe("invalid_input");
    expect((await agent.post("/api/agents/validate").send({ elevenLabsAgentId: "agent_alpha" }).expect(409)).body.error.code).toBe("integration_required");
    await agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_A }).expect(200);
    expect((await agent.post("/api/agents/validate").send({ elevenLabsAgentId: "agent_nope" }).expect(422)).body.error.code).toBe("agent_not_found");
    // Another workspace's agent is not visible with this organization's key.
    await agent.post("/api/agents/validate").send({ elevenLabsAgentId: "agent_beta" }).expect(422);
    const ok = await agent.post("/api/agents/validate").send({ elevenLabsAgentId: "agent_alpha" }).expect(200);
    expect(ok.body).toEqual({ elevenLabsAgentId: "agent_alpha", name: "Alpha Support" });
  });

  it("uses each organization's own key", async () => {
    const a = await signUp(t.app);
    const b = await signUp(t.app);
    await a.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_A }).expect(200);
    await b.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_B }).expect(200);
    const before = fake.requests.length;
    await a.agent.post("/api/agents/validate").send({ elevenLabsAgentId: "agent_alpha" }).expect(200);
    await b.agent.post("/api/agents/validate").send({ elevenLabsAgentId: "agent_beta" }).expect(200);
    const calls = fake.requests.slice(before).filter((r) => r.path.startsWith("/v1/convai/agents/"));
    expect(calls.map((r) => [r.path, r.apiKey])).toEqual([
      ["/v1/convai/agents/agent_alpha", KEY_A],
      ["/v1/convai/agents/agent_beta", KEY_B],
    ]);
  });

  it("creates, lists, renames and deletes agents, queues a backfill, refuses duplicates", async () => {
    const { agent, user } = await signUp(t.app);
    await agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_A }).expect(200);
    const created = await agent.post("/api/agents").send({ elevenLabsAgentId: "agent_alpha" }).expect(201);
    expect(created.body).toMatchObject({ elevenLabsAgentId: "agent_alpha", name: "Alpha Support", callsToday: 0, totalCalls: 0, lastCallAt: null });
    expect(queued).toContainEqual({ organizationId: user.organization.id, agentId: created.body.id, mode: "backfill" });
    expect((await agent.post("/api/agents").send({ elevenLabsAgentId: "agent_alpha" }).expect(409)).body.error.code).toBe("agent_exists");

    const before = fake.requests.length;
    const list = await agent.get("/api/agents").expect(200);
    expect(list.body.data).toHaveLength(1);
    expect(fake.requests.length).toBe(before); // listing never calls ElevenLabs

    const renamed = await agent.patch(`/api/agents/${created.body.id}`).send({ name: "Front desk" }).expect(200);
    expect(renamed.body.name).toBe("Front desk");
    await agent.post(`/api/agents/${created.body.id}/sync`).expect(202);
    await agent.delete(`/api/agents/${created.body.id}`).expect(204);
    await agent.get(`/api/agents/${created.body.id}`).expect(404);
    await agent.get("/api/agents/not-a-uuid").expect(404);
  });

  it("answers 404 for another organization's agent on every agent route", async () => {
    const a = await signUp(t.app);
    const b = await signUp(t.app);
    await a.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_A }).expect(200);
    const created = await a.agent.post("/api/agents").send({ elevenLabsAgentId: "agent_alpha" }).expect(201);
    const id = created.body.id;
    await b.agent.get(`/api/agents/${id}`).expect(404);
    await b.agent.patch(`/api/agents/${id}`).send({ name: "stolen" }).expect(404);
    await b.agent.post(`/api/agents/${id}/sync`).expect(404);
    await b.agent.delete(`/api/agents/${id}`).expect(404);
    expect((await b.agent.get("/api/agents").expect(200)).body.data).toEqual([]);
    expect((await a.agent.get(`/api/agents/${id}`).expect(200)).body.name).toBe("Alpha Support");
    await b.agent.get(`/api/agents/${randomUUID()}`).expect(404);
  });

  it("requires a session", async () => {
    await request(t.app).get("/api/agents").expect(401);
    await request(t.app).get("/api/integrations").expect(401);
  });
});
