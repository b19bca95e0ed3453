import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { insertAgent, insertCalls, signInWithRole } from "../helpers/calls";
import { grantPlatformAdmin } from "../../server/services/auth/platform-admins";
import { rebuildRollups } from "../../server/services/analytics/rollups";
import { integrations, users, webhookEvents } from "../../server/db/schema";
import { eq } from "drizzle-orm";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ env: { PLATFORM_ADMIN_EMAILS: "root@example.com" } });
});
afterAll(async () => t?.close());

describe("platform admin", () => {
  it("refuses everyone who is not a platform admin", async () => {
    const { agent, user } = await signUp(t.app);
    const own = `/api/admin/organizations/${user.organization.id}`;
    for (const path of ["/api/admin/stats", "/api/admin/organizations", "/api/admin/organizations?search=a", own]) {
      await request(t.app).get(path).expect(401);
      const res = await agent.get(path).expect(403);
      expect(res.body.error.code).toBe("forbidden");
      const admin = await signInWithRole(t.app, t.deps.db, user.organization.id, "admin");
      await admin.get(path).expect(403);
    }
  });

  it("shows platform totals and every organization with its counts", async () => {
    const { agent: root, user: rootUser } = await signUp(t.app, {
      email: "root@example.com",
      organizationName: "Platform",
    });
    expect(rootUser.isPlatformAdmin).toBe(false);
    await grantPlatformAdmin(t.deps.db, "root@example.com", new Date());
    const one = await signUp(t.app, { organizationName: "One" });
    const two = await signUp(t.app, { organizationName: "Two" });
    const orgOne = one.user.organization.id;
    await signInWithRole(t.app, t.deps.db, orgOne, "viewer");
    const agentOne = await insertAgent(t.deps.db, orgOne);
    await insertAgent(t.deps.db, orgOne);
    await insertCalls(t.deps.db, orgOne, [
      { agent: agentOne, durationSeconds: 90 },
      { agent: agentOne, durationSeconds: 45 },
      { startedAt: null, durationSeconds: null },
    ]);
    await insertCalls(t.deps.db, two.user.organization.id, [{ durationSeconds: 600 }]);
    await rebuildRollups(t.deps.db);

    const counts = await t.deps.db.execute<{ organizations: number; users: number }>(
      "select (select count(*)::int from organizations) as organizations, (select count(*)::int from users) as users",
    );
    const stats = await root.get("/api/admin/stats").expect(200);
    expect(stats.body).toEqual({
      organizations: counts.rows[0].organizations,
      users: counts.rows[0].users,
      agents: 2,
      calls: 4,
      minutes: 12.25,
    });

    const list = await root.get("/api/admin/organizations").expect(200);
    const byId = Object.fromEntries(list.body.data.map((o: { id: string }) => [o.id, o]));
    expect(list.body.data).toHaveLength(counts.rows[0].organizations);
    expect(byId[orgOne]).toEqual({
      id: orgOne,
      name: "One",
      users: 2,
      agents: 2,
      calls: 3,
      minutes: 2.25,
      createdAt: expect.any(String),
    });
    expect(byId[two.user.organization.id]).toMatchObject({ name: "Two", users: 1, agents: 0, calls: 1, minutes: 10 });
    expect(byId[rootUser.organization.id]).toMatchObject({
      name: "Platform",
      users: 1,
      agents: 0,
      calls: 0,
      minutes: 0,
    });
    // Newest organization first.
    const created = list.body.data.map((o: { createdAt: string }) => Date.parse(o.createdAt));
    expect([...created].sort((x, y) => y - x)).toEqual(created);
  });
});

describe("platform admin: one organization and search", () => {
  let root: Awaited<ReturnType<typeof signUp>>["agent"];
  let subject: Awaited<ReturnType<typeof signUp>>;
  let other: Awaited<ReturnType<typeof signUp>>;

  beforeAll(async () => {
    // root@example.com signed up in the suite above (same app and database): sign in again.
    root = request.agent(t.app);
    await root.post("/api/auth/login/password").send({ email: "root@example.com", password: "correct horse battery" }).expect(200);
    subject = await signUp(t.app, { organizationName: "Zebra 100% Support_Desk", email: "owner.subject@zebra.example" });
    other = await signUp(t.app, { organizationName: "Quiet Lake", email: "someone@quiet.example" });
  });

  it("shows members, agents, integration status, last call and last delivery, and nothing secret", async () => {
    const orgId = subject.user.organization.id;
    await signInWithRole(t.app, t.deps.db, orgId, "viewer");
    const desk = await insertAgent(t.deps.db, orgId, { name: "Desk", elevenlabsAgentId: "agent_desk" });
    await insertAgent(t.deps.db, orgId, { name: "Billing line", elevenlabsAgentId: "agent_billing" });
    const now = Date.now();
    const [, newest] = await insertCalls(t.deps.db, orgId, [
      { agent: desk, startedAt: new Date(now - 3 * 3600_000), durationSeconds: 120 },
      { agent: desk, startedAt: new Date(now - 3600_000), durationSeconds: 60, status: "failed" },
      { agent: desk, startedAt: null, durationSeconds: 30 },
    ]);
    // The other organization's newer call and delivery must not become this one's "last".
    await insertCalls(t.deps.db, other.user.organization.id, [{ startedAt: new Date(now - 60_000) }]);
    await t.deps.db.insert(integrations).values({
      organizationId: orgId,
      provider: "elevenlabs",
      encryptedApiKey: "v1:not-a-real-ciphertext",
      encryptedWebhookSecret: "v1:not-a-real-secret",
      keyHint: "…Zx9q",
      status: "ERROR",
      lastError: "invalid_api_key: The key was refused",
      lastTestedAt: new Date(now - 7200_000),
    });
    await t.deps.db.insert(webhookEvents).values([
      { organizationId: orgId, type: "post_call_transcription", source: "webhook", signatureOk: true, state: "processed", receivedAt: new Date(now - 600_000) },
      { organizationId: orgId, type: "post_call_audio", source: "webhook", signatureOk: true, state: "failed", error: "audio_too_large", receivedAt: new Date(now - 300_000) },
      { organizationId: other.user.organization.id, type: "post_call_transcription", source: "webhook", signatureOk: true, state: "processed", receivedAt: new Date(now) },
    ]);
    await rebuildRollups(t.deps.db);

    const res = await root.get(`/api/admin/organizations/${orgId}`).expect(200);
    expect(res.body).toMatchObject({
      id: orgId,
      name: "Zebra 100% Support_Desk",
      createdAt: expect.any(String),
      calls: 3,
      minutes: 3.5,
      integration: { status: "ERROR", keyHint: "…Zx9q", lastError: "invalid_api_key: The key was refused", lastTestedAt: new Date(now - 7200_000).toISOString() },
      lastCall: { id: newest.id, startedAt: newest.startedAt!.toISOString(), status: "failed", agentName: "Desk" },
      lastDelivery: { receivedAt: new Date(now - 300_000).toISOString(), type: "post_call_audio", source: "webhook", state: "failed", error: "audio_too_large" },
    });
    expect(res.body.members.map((m: { email: string; role: string }) => m.role)).toEqual(["owner", "viewer"]);
    expect(res.body.members[0]).toEqual({
      id: subject.user.id,
      email: "owner.subject@zebra.example",
      name: expect.any(String),
      role: "owner",
      isPlatformAdmin: false,
      createdAt: expect.any(String),
      lastLoginAt: expect.any(String),
    });
    expect(res.body.agents).toEqual([
      expect.objectContaining({ name: "Billing line", elevenLabsAgentId: "agent_billing", sync: { status: "idle", lastSyncedAt: null, error: null } }),
      expect.objectContaining({ name: "Desk", elevenLabsAgentId: "agent_desk" }),
    ]);
    // Support reads status, never secrets.
    const text = JSON.stringify(res.body);
    for (const secret of ["not-a-real-ciphertext", "not-a-real-secret", "passwordHash", "password_hash", "webhookToken"]) expect(text).not.toContain(secret);
    const [{ passwordHash }] = await t.deps.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, subject.user.id));
    expect(text).not.toContain(passwordHash!);
  });

  it("shows an organization with nothing yet as empty, not as an error", async () => {
    const res = await root.get(`/api/admin/organizations/${other.user.organization.id}`).expect(200);
    expect(res.body).toMatchObject({ name: "Quiet Lake", agents: [], integration: null, calls: 1 });
    expect(res.body.members).toHaveLength(1);
    const empty = await signUp(t.app, { organizationName: "Brand new" });
    const fresh = await root.get(`/api/admin/organizations/${empty.user.organization.id}`).expect(200);
    expect(fresh.body).toMatchObject({ calls: 0, minutes: 0, agents: [], integration: null, lastCall: null, lastDelivery: null });
  });

  it("answers 404 for an unknown or malformed id, and 403 to everyone else", async () => {
    const unknown = await root.get("/api/admin/organizations/00000000-0000-4000-8000-000000000000").expect(404);
    expect(unknown.body.error.code).toBe("not_found");
    await root.get("/api/admin/organizations/not-a-uuid").expect(404);
    // The organization's own owner is not a platform admin: their own organization is still 403 here.
    const own = await subject.agent.get(`/api/admin/organizations/${subject.user.organization.id}`).expect(403);
    expect(own.body.error.code).toBe("forbidden");
    await subject.agent.get(`/api/admin/organizations/${other.user.organization.id}`).expect(403);
    await request(t.app).get(`/api/admin/organizations/${other.user.organization.id}`).expect(401);
  });

  it("searches the list by organization name or a member's email, wildcards taken literally", async () => {
    const names = async (search: string) =>
      ((await root.get("/api/admin/organizations").query({ search }).expect(200)).body.data as Array<{ name: string }>).map((o) => o.name);
    expect(await names("zebra")).toEqual(["Zebra 100% Support_Desk"]);
    expect(await names("QUIET.EXAMPLE")).toEqual(["Quiet Lake"]);
    expect(await names("100%")).toEqual(["Zebra 100% Support_Desk"]);
    expect(await names("t_d")).toEqual(["Zebra 100% Support_Desk"]);
    // "%" and "_" are not wildcards: "Quiet Lake" would match "%" or "_u" as patterns.
    expect(await names("_u")).toEqual([]);
    expect(await names("no such organization")).toEqual([]);
    // Counts stay those of the unfiltered list.
    const all = (await root.get("/api/admin/organizations").expect(200)).body.data as Array<{ id: string }>;
    const [zebra] = (await root.get("/api/admin/organizations").query({ search: "zebra" }).expect(200)).body.data;
    expect(all.find((o) => o.id === zebra.id)).toEqual(zebra);
    expect(all.length).toBeGreaterThan(2);
  });
});
