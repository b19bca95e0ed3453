/**
 * API tokens (DESIGN.md §11): created by admins and shown once, stored hashed, listed with prefix and last use; a
 * Bearer token reads its organization's listed GET routes with viewer rights, gets 403 on writes and other routes,
 * 404 on another organization's call, 401 once revoked or expired; no cookie, no CSRF; rate limited per token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { eq, sql } from "drizzle-orm";
import { createApp } from "../../server/app";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { insertAgent, insertCall, signInWithRole } from "../helpers/calls";
import { apiTokens } from "../../server/db/schema";

let t: TestApp;
let owner: Awaited<ReturnType<typeof signUp>>;
let org: string;
let callId: string;
let foreignCallId: string;

beforeAll(async () => {
  t = await createTestApp();
  owner = await signUp(t.app, { organizationName: "Token Org" });
  org = owner.user.organization.id;
  const agent = await insertAgent(t.deps.db, org, { elevenlabsAgentId: "agent_tok", name: "Token agent" });
  callId = (await insertCall(t.deps.db, org, { agent, summary: "token readable call" })).id;
  const other = await signUp(t.app);
  foreignCallId = (await insertCall(t.deps.db, other.user.organization.id, { summary: "someone else's" })).id;
});
afterAll(async () => t?.close());

async function newToken(body: Record<string, unknown> = { name: "BI export" }) {
  const res = await owner.agent.post("/api/tokens").send(body).expect(201);
  return res.body as { id: string; token: string; prefix: string; name: string; expiresAt: string | null };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe("API tokens", () => {
  it("are shown once, stored hashed, listed with prefix and last use", async () => {
    const created = await newToken({ name: "Warehouse", expiresInDays: 30 });
    expect(created.token).toMatch(/^vad_[A-Za-z0-9_-]{43}$/);
    expect(created.token.startsWith(created.prefix)).toBe(true);
    expect(Date.parse(created.expiresAt!)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const [row] = await t.deps.db.select().from(apiTokens).where(eq(apiTokens.id, created.id));
    expect(JSON.stringify(row)).not.toContain(created.token);
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);

    const list = await owner.agent.get("/api/tokens").expect(200);
    const listed = list.body.data.find((x: { id: string }) => x.id === created.id);
    expect(listed).toMatchObject({ name: "Warehouse", prefix: created.prefix, lastUsedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(created.token);

    await request(t.app).get("/api/call-logs").set(bearer(created.token)).expect(200);
    const after = await owner.agent.get("/api/tokens").expect(200);
    expect(after.body.data.find((x: { id: string }) => x.id === created.id).lastUsedAt).not.toBeNull();
  });

  it("read the organization's calls, agents, analytics, billing and exports without a cookie", async () => {
    const { token } = await newToken();
    const list = await request(t.app).get("/api/call-logs").set(bearer(token)).expect(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([callId]);
    expect(list.headers["set-cookie"]).toBeUndefined();
    await request(t.app).get(`/api/call-logs/${callId}`).set(bearer(token)).expect(200);
    expect((await request(t.app).get("/api/agents").set(bearer(token)).expect(200)).body.data[0].name).toBe("Token agent");
    await request(t.app).get("/api/analytics/organization").set(bearer(token)).expect(200);
    await request(t.app).get("/api/billing/usage").set(bearer(token)).expect(200);
    await request(t.app).get("/api/call-logs/export.csv").set(bearer(token)).expect(200);
    const ndjson = await request(t.app).get("/api/export/calls.ndjson").set(bearer(token)).expect(200);
    expect(ndjson.text.trim().split("\n").map((l) => JSON.parse(l).id)).toEqual([callId]);
    // A cross-site Origin does not matter to a token (no cookie to ride on).
    await request(t.app).get("/api/call-logs").set(bearer(token)).set("Origin", "https://evil.example").expect(200);
  });

  it("get 404 on another organization's call, 403 on writes and on routes not listed", async () => {
    const { token } = await newToken();
    await request(t.app).get(`/api/call-logs/${foreignCallId}`).set(bearer(token)).expect(404);
    const forbidden: Array<[string, string]> = [
      ["post", "/api/agents"],
      ["delete", `/api/call-logs/${callId}`],
      ["patch", "/api/organization"],
      ["post", "/api/tokens"],
      ["post", "/api/auth/logout"],
      ["get", "/api/organization"],
      ["get", "/api/tokens"],
      ["get", "/api/team/members"],
      ["get", "/api/auth/user"],
      ["get", "/api/integrations"],
      ["get", "/api/admin/stats"],
    ];
    for (const [method, path] of forbidden) {
      const res = await (request(t.app) as unknown as Record<string, (p: string) => request.Test>)[method](path).set(bearer(token)).send({});
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    }
    // Nothing was changed by the refused writes.
    await request(t.app).get(`/api/call-logs/${callId}`).set(bearer(token)).expect(200);
  });

  it("answer 401 once revoked or expired, and for unknown tokens", async () => {
    const { id, token } = await newToken();
    await request(t.app).get("/api/call-logs").set(bearer(token)).expect(200);
    await owner.agent.delete(`/api/tokens/${id}`).expect(204);
    const revoked = await request(t.app).get("/api/call-logs").set(bearer(token)).expect(401);
    expect(revoked.body.error.code).toBe("invalid_token");
    expect((await owner.agent.get("/api/tokens").expect(200)).body.data.map((x: { id: string }) => x.id)).not.toContain(id);

    const expiring = await newToken({ name: "short", expiresInDays: 1 });
    await t.deps.db.update(apiTokens).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(apiTokens.id, expiring.id));
    await request(t.app).get("/api/call-logs").set(bearer(expiring.token)).expect(401);

    await request(t.app).get("/api/call-logs").set(bearer(`vad_${"x".repeat(43)}`)).expect(401);
    await request(t.app).get("/api/call-logs").set(bearer("nonsense")).expect(401);
    await request(t.app).get("/api/call-logs").set("Authorization", "Bearer").expect(401);
  });

  it("are managed by owners and admins only, within their organization", async () => {
    const { id } = await newToken();
    for (const role of ["member", "viewer"] as const) {
      const agent = await signInWithRole(t.app, t.deps.db, org, role);
      await agent.get("/api/tokens").expect(403);
      await agent.post("/api/tokens").send({ name: "x" }).expect(403);
      await agent.delete(`/api/tokens/${id}`).expect(403);
    }
    const admin = await signInWithRole(t.app, t.deps.db, org, "admin");
    await admin.get("/api/tokens").expect(200);
    const other = await signUp(t.app);
    await other.agent.delete(`/api/tokens/${id}`).expect(404);
    expect((await other.agent.get("/api/tokens").expect(200)).body.data).toEqual([]);
    await owner.agent.post("/api/tokens").send({ name: "" }).expect(400);
    await owner.agent.post("/api/tokens").send({ name: "x", expiresInDays: 0 }).expect(400);
  });

  it("are rate limited per token", async () => {
    const app = await createApp(t.deps, { tokenRateLimit: { points: 3, durationSeconds: 60 } });
    const first = await newToken();
    const second = await newToken();
    for (let i = 0; i < 3; i++) await request(app).get("/api/agents").set(bearer(first.token)).expect(200);
    const limited = await request(app).get("/api/agents").set(bearer(first.token)).expect(429);
    expect(limited.body.error.code).toBe("rate_limited");
    expect(limited.headers["retry-after"]).toBeDefined();
    await request(app).get("/api/agents").set(bearer(second.token)).expect(200);
  });

  it("are documented in OpenAPI as a bearer scheme on the readable routes", async () => {
    const doc = (await request(t.app).get("/api/openapi.json").expect(200)).body;
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.paths["/api/call-logs"].get.security).toContainEqual({ bearer: [] });
    expect(doc.paths["/api/export/calls.ndjson"].get.security).toContainEqual({ bearer: [] });
    expect(doc.paths["/api/tokens"].get.security).not.toContainEqual({ bearer: [] });
    expect(doc.paths["/api/call-logs/{id}"].delete.security).not.toContainEqual({ bearer: [] });
  });
});
