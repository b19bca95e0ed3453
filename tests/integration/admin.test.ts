import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { insertAgent, insertCalls, signInWithRole } from "../helpers/calls";
import { rebuildRollups } from "../../server/services/analytics/rollups";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ env: { PLATFORM_ADMIN_EMAILS: "root@example.com" } });
});
afterAll(async () => t?.close());

describe("platform admin", () => {
  it("refuses everyone who is not a platform admin", async () => {
    const { agent, user } = await signUp(t.app);
    for (const path of ["/api/admin/stats", "/api/admin/organizations"]) {
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
    expect(rootUser.isPlatformAdmin).toBe(true);
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
