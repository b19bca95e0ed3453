/** The audit trail covers key and agent changes made through the API, and never stores the key itself. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { FakeElevenLabs } from "../fake-elevenlabs/server";

const KEY = "sk_test_audit_workspace_5e1d";

let t: TestApp;
const fake = new FakeElevenLabs();

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY);
  fake.addAgent(KEY, "agent_audit", "Audit Agent");
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url }, jobs: { enqueueSync: async () => {} } });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

describe("audit log of key and agent changes", () => {
  it("records who changed the key and the agents, newest first", async () => {
    const { agent: owner, user } = await signUp(t.app);
    await owner
      .post("/api/integrations")
      .send({ provider: "elevenlabs", apiKey: KEY, webhookSecret: "whsec_audit" })
      .expect(200);
    const created = await owner.post("/api/agents").send({ elevenLabsAgentId: "agent_audit" }).expect(201);
    await owner.patch(`/api/agents/${created.body.id}`).send({ name: "Renamed" }).expect(200);
    await owner.delete(`/api/agents/${created.body.id}`).expect(204);
    await owner.delete("/api/integrations/elevenlabs").expect(204);

    const page = (await owner.get("/api/team/audit-log").expect(200)).body;
    const actions = page.data.map((e: { action: string }) => e.action);
    expect(actions.slice(0, 4)).toEqual(["integration.deleted", "agent.deleted", "agent.renamed", "agent.created"]);
    // Key and secret saved by one request: both recorded, in either order.
    expect(actions.slice(4, 6).sort()).toEqual(["integration.key_changed", "integration.webhook_secret_changed"]);
    for (const entry of page.data.slice(0, 6))
      expect(entry).toMatchObject({ actorUserId: user.id, actorEmail: user.email });
    const everything = JSON.stringify(page) + t.logs.join("");
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain("whsec_audit");
  });
});

describe("audit log filters", () => {
  it("filters by kind of action, by exact action and by member, keeping keyset paging", async () => {
    const { agent: owner, user } = await signUp(t.app);
    await owner.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY }).expect(200);
    const created = await owner.post("/api/agents").send({ elevenLabsAgentId: "agent_audit" }).expect(201);
    for (const name of ["One", "Two", "Three"]) await owner.patch(`/api/agents/${created.body.id}`).send({ name }).expect(200);

    const agents = (await owner.get("/api/team/audit-log").query({ action: "agent" }).expect(200)).body;
    expect(agents.data.map((e: { action: string }) => e.action)).toEqual(["agent.renamed", "agent.renamed", "agent.renamed", "agent.created"]);
    const first = (await owner.get("/api/team/audit-log").query({ action: "agent.renamed", limit: 2 }).expect(200)).body;
    expect(first.data).toHaveLength(2);
    const second = (await owner.get("/api/team/audit-log").query({ action: "agent.renamed", limit: 2, cursor: first.nextCursor }).expect(200)).body;
    expect(second.data.map((e: { action: string }) => e.action)).toEqual(["agent.renamed"]);
    expect(second.nextCursor).toBeNull();
    // "agent" must not match "agents.x" or "agent_x": only the kind and its dotted actions.
    const byMember = (await owner.get("/api/team/audit-log").query({ actorUserId: user.id, action: "integration" }).expect(200)).body;
    expect(byMember.data.map((e: { action: string }) => e.action)).toEqual(["integration.key_changed"]);
    const nobody = (await owner.get("/api/team/audit-log").query({ actorUserId: "00000000-0000-4000-8000-000000000000" }).expect(200)).body;
    expect(nobody.data).toEqual([]);
  });

  it("rejects malformed filters with 400", async () => {
    const { agent: owner } = await signUp(t.app);
    expect((await owner.get("/api/team/audit-log").query({ action: "agent%" }).expect(400)).body.error.fields.action).toBeDefined();
    expect((await owner.get("/api/team/audit-log").query({ actorUserId: "me" }).expect(400)).body.error.fields.actorUserId).toBeDefined();
  });

  it("refuses a cursor holding an impossible time with 400, not a database error (issue 16)", async () => {
    const { agent: owner } = await signUp(t.app);
    const id = "00000000-0000-4000-8000-000000000000";
    for (const at of ["2026-13-45T25:61:61.000000Z", "0000-01-01T00:00:00.000000Z", "2026-02-30T00:00:00.000000Z", "2026-01-01T24:00:00.000000Z"]) {
      const cursor = Buffer.from(`${at}|${id}`).toString("base64url");
      const res = await owner.get("/api/team/audit-log").query({ cursor });
      expect(res.status, at).toBe(400);
      expect(res.body.error.fields.cursor).toBeDefined();
    }
    const fine = Buffer.from(`2026-01-01T00:00:00.000000Z|${id}`).toString("base64url");
    await owner.get("/api/team/audit-log").query({ cursor: fine }).expect(200);
  });

  it("never shows another organization's entries, whatever the filter", async () => {
    const a = await signUp(t.app);
    const b = await signUp(t.app);
    await a.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY }).expect(200);
    const seen = (await b.agent.get("/api/team/audit-log").query({ actorUserId: a.user.id }).expect(200)).body;
    expect(seen.data).toEqual([]);
  });
});
