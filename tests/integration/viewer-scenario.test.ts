/** Issue 7's acceptance scenario: an owner invites a colleague as viewer, who sees calls but cannot change the key or agents. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { createTestApp, signUp, uniqueEmail, type TestApp } from "../helpers/app";
import { tokenOf } from "../helpers/team";
import { agents, callLogs } from "../../server/db/schema";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe("a viewer invited by an owner", () => {
  it("sees calls and agents but cannot change the key, agents or the team", async () => {
    const { agent: owner, user: ownerUser } = await signUp(t.app, { organizationName: "Calls Inc" });
    const orgId = ownerUser.organization.id;
    const [registered] = await t.deps.db
      .insert(agents)
      .values({ organizationId: orgId, elevenlabsAgentId: "agent_viewer_1", name: "Front desk" })
      .returning();
    await t.deps.db.insert(callLogs).values({
      organizationId: orgId,
      agentId: registered.id,
      elevenlabsAgentId: "agent_viewer_1",
      conversationId: "conv_viewer_1",
      status: "done",
      startedAt: new Date(),
      durationSeconds: 42,
      callSuccessful: "success",
      source: "webhook",
    });

    const email = uniqueEmail("viewer");
    const invitation = await owner.post("/api/team/invitations").send({ email, role: "viewer" }).expect(201);
    const viewer = request.agent(t.app);
    const joined = await viewer
      .post("/api/auth/register")
      .send({
        email,
        password: "viewer password 1",
        name: "Vera Viewer",
        inviteToken: tokenOf(invitation.body.inviteUrl),
      })
      .expect(201);
    expect(joined.body).toMatchObject({ email, role: "viewer", organization: { id: orgId, name: "Calls Inc" } });

    const calls = await viewer.get("/api/call-logs").expect(200);
    expect(calls.body.data.map((c: { conversationId: string }) => c.conversationId)).toEqual(["conv_viewer_1"]);
    await viewer.get(`/api/call-logs/${calls.body.data[0].id}`).expect(200);
    const agentList = await viewer.get("/api/agents").expect(200);
    expect(agentList.body.data.map((a: { id: string }) => a.id)).toEqual([registered.id]);
    await viewer.get("/api/integrations").expect(200);
    await viewer.get("/api/team/members").expect(200);

    const attempts: [string, () => request.Test][] = [
      [
        "save key",
        () => viewer.post("/api/integrations").send({ provider: "elevenlabs", apiKey: "sk_viewer_should_not_save" }),
      ],
      ["delete key", () => viewer.delete("/api/integrations/elevenlabs")],
      ["add agent", () => viewer.post("/api/agents").send({ elevenLabsAgentId: "agent_new" })],
      ["rename agent", () => viewer.patch(`/api/agents/${registered.id}`).send({ name: "Renamed" })],
      ["remove agent", () => viewer.delete(`/api/agents/${registered.id}`)],
      ["sync agent", () => viewer.post(`/api/agents/${registered.id}/sync`)],
      ["invite", () => viewer.post("/api/team/invitations").send({ email: uniqueEmail(), role: "owner" })],
      ["change role", () => viewer.patch(`/api/team/members/${ownerUser.id}`).send({ role: "viewer" })],
      ["read audit log", () => viewer.get("/api/team/audit-log")],
    ];
    const outcomes: string[] = [];
    for (const [label, attempt] of attempts) {
      const res = await attempt();
      outcomes.push(`${label}: ${res.status} ${res.body?.error?.code}`);
    }
    expect(outcomes).toEqual(attempts.map(([label]) => `${label}: 403 forbidden`));

    // Nothing changed behind the refusals.
    const integrations = (await owner.get("/api/integrations").expect(200)).body.data;
    expect(integrations[0]?.status ?? "NOT_CONFIGURED").toBe("NOT_CONFIGURED");
    expect((await owner.get(`/api/agents/${registered.id}`).expect(200)).body.name).toBe("Front desk");
    expect((await owner.get("/api/auth/user").expect(200)).body.role).toBe("owner");
  });
});
