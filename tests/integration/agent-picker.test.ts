/** The Add agent picker (GET /api/agents/available, DESIGN §14) and the agent list's usage columns. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { insertCalls, signInWithRole } from "../helpers/calls";
import { FakeElevenLabs } from "../fake-elevenlabs/server";

const KEY_A = "sk_test_picker_workspace_a";
const KEY_B = "sk_test_picker_workspace_b";

let t: TestApp;
const fake = new FakeElevenLabs();

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY_A).addWorkspace(KEY_B);
  // 35 agents: more than one page of 30.
  for (let i = 0; i < 35; i++) fake.addAgent(KEY_A, `agent_a_${String(i).padStart(2, "0")}`, i % 5 === 0 ? `Sales ${i}` : `Support ${i}`);
  fake.addAgent(KEY_B, "agent_b_only", "Other workspace");
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url }, jobs: { enqueueSync: async () => {} } });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

type Page = { data: Array<{ elevenLabsAgentId: string; name: string; registered: boolean }>; nextCursor: string | null };

describe("GET /api/agents/available", () => {
  it("needs a connected key (409 integration_required)", async () => {
    const { agent } = await signUp(t.app);
    const res = await agent.get("/api/agents/available").expect(409);
    expect(res.body.error.code).toBe("integration_required");
  });

  it("pages through the key's agents, searches by name, and marks the registered ones", async () => {
    const { agent } = await signUp(t.app);
    await agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_A }).expect(200);
    await agent.post("/api/agents").send({ elevenLabsAgentId: "agent_a_01" }).expect(201);

    const first = (await agent.get("/api/agents/available").expect(200)).body as Page;
    expect(first.data).toHaveLength(30);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(first.data.find((a) => a.elevenLabsAgentId === "agent_a_01")).toEqual({ elevenLabsAgentId: "agent_a_01", name: "Support 1", registered: true });
    expect(first.data.find((a) => a.elevenLabsAgentId === "agent_a_02")?.registered).toBe(false);
    const second = (await agent.get("/api/agents/available").query({ cursor: first.nextCursor }).expect(200)).body as Page;
    expect(second.data).toHaveLength(5);
    expect(second.nextCursor).toBeNull();
    const all = [...first.data, ...second.data].map((a) => a.elevenLabsAgentId);
    expect(new Set(all).size).toBe(35);
    expect(all).not.toContain("agent_b_only");

    const sales = (await agent.get("/api/agents/available").query({ search: "sales" }).expect(200)).body as Page;
    expect(sales.data.map((a) => a.name)).toEqual(["Sales 0", "Sales 5", "Sales 10", "Sales 15", "Sales 20", "Sales 25", "Sales 30"]);
    expect(fake.requestsFor("/v1/convai/agents").at(-1)?.query).toMatchObject({ search: "sales", page_size: "30" });
  });

  it("uses the caller's own organization: another organization's registrations and key are not seen", async () => {
    const a = await signUp(t.app);
    const b = await signUp(t.app);
    await a.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_A }).expect(200);
    await b.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_A }).expect(200);
    await a.agent.post("/api/agents").send({ elevenLabsAgentId: "agent_a_03" }).expect(201);
    const seenByB = (await b.agent.get("/api/agents/available").expect(200)).body as Page;
    expect(seenByB.data.find((x) => x.elevenLabsAgentId === "agent_a_03")?.registered).toBe(false);
  });

  it("is for those who may add agents (admins and owners)", async () => {
    const { agent, user } = await signUp(t.app);
    await agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_A }).expect(200);
    const member = await signInWithRole(t.app, t.deps.db, user.organization.id, "member");
    await member.get("/api/agents/available").expect(403);
  });

  it("answers 400 for an oversized search", async () => {
    const { agent } = await signUp(t.app);
    const res = await agent.get("/api/agents/available").query({ search: "x".repeat(300) }).expect(400);
    expect(res.body.error.fields.search).toBeDefined();
  });
});

describe("already registered agents", () => {
  it("do not validate as found: 409 agent_exists names the registered agent", async () => {
    const { agent } = await signUp(t.app);
    await agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_A }).expect(200);
    await agent.post("/api/agents").send({ elevenLabsAgentId: "agent_a_04", name: "Front desk" }).expect(201);
    const res = await agent.post("/api/agents/validate").send({ elevenLabsAgentId: "agent_a_04" }).expect(409);
    expect(res.body.error).toMatchObject({ code: "agent_exists", message: expect.stringContaining("Front desk") });
  });
});

describe("agent list usage columns", () => {
  it("sums minutes and credits and computes the success rate over the agent's calls", async () => {
    const { agent, user } = await signUp(t.app);
    await agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_A }).expect(200);
    const created = (await agent.post("/api/agents").send({ elevenLabsAgentId: "agent_a_05" }).expect(201)).body;
    const link = { id: created.id, elevenlabsAgentId: "agent_a_05" };
    await insertCalls(t.deps.db, user.organization.id, [
      { agent: link, startedAt: new Date(), durationSeconds: 90, callSuccessful: "success", costCredits: 120.5 },
      { agent: link, startedAt: new Date(), durationSeconds: 30, callSuccessful: "failure", costCredits: 40 },
      { agent: link, startedAt: new Date(), durationSeconds: 60, callSuccessful: "unknown", costCredits: null },
    ]);
    const listed = (await agent.get("/api/agents").expect(200)).body.data[0];
    expect(listed).toMatchObject({ totalCalls: 3, minutes: 3, credits: 160.5, successRate: 0.5 });
    const fresh = (await signUp(t.app)).agent;
    expect((await fresh.get("/api/agents").expect(200)).body.data).toEqual([]);
  });
});

describe("saving a key ElevenLabs refuses", () => {
  it("keeps the last good key (422, nothing saved) and still saves a first key in error so it can be seen", async () => {
    const { agent } = await signUp(t.app);
    await agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_A }).expect(200);
    const refused = await agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: "sk_refused_key_9999" }).expect(422);
    expect(refused.body.error.code).toBe("invalid_api_key");
    expect(refused.body.error.message).toContain(`…${KEY_A.slice(-4)} is kept`);
    expect(refused.body.error.message).not.toContain("sk_refused_key_9999");
    const after = (await agent.get("/api/integrations").expect(200)).body.data[0];
    expect(after).toMatchObject({ status: "ACTIVE", keyHint: `…${KEY_A.slice(-4)}`, lastError: null });
    // The kept key still works for the organization's calls to ElevenLabs.
    await agent.get("/api/agents/available").expect(200);

    const first = await signUp(t.app);
    const saved = await first.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: "sk_refused_key_9999" }).expect(200);
    expect(saved.body.status).toBe("ERROR");
  });
});
