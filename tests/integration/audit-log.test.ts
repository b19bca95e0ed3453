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
