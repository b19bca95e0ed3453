import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { and, eq } from "drizzle-orm";
import type TestAgent from "supertest/lib/agent";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { insertAgent, insertCalls, signInWithRole, type AgentRow } from "../helpers/calls";
import { rebuildRollups } from "../../server/services/analytics/rollups";
import { auditLog } from "../../server/db/schema";

let t: TestApp;
let a: TestAgent;
let b: TestAgent;
let orgA: string;
let orgB: string;
let alpha: AgentRow;

beforeAll(async () => {
  t = await createTestApp();
  const sa = await signUp(t.app, { organizationName: "Billing A" });
  const sb = await signUp(t.app, { organizationName: "Billing B" });
  a = sa.agent;
  b = sb.agent;
  orgA = sa.user.organization.id;
  orgB = sb.user.organization.id;
  alpha = await insertAgent(t.deps.db, orgA, { elevenlabsAgentId: "agent_alpha", name: "Alpha" });
  await insertCalls(t.deps.db, orgA, [
    { agent: alpha, startedAt: "2026-11-01T00:00:00Z", durationSeconds: 90, costCredits: 100.25 }, // first instant of November
    { agent: alpha, startedAt: "2026-11-15T12:00:00Z", durationSeconds: 30, costCredits: 50.5 },
    { elevenlabsAgentId: "agent_other", startedAt: "2026-11-30T23:59:59Z", durationSeconds: 20, costCredits: 0.01 }, // last second
    { agent: alpha, startedAt: "2026-10-31T23:59:59Z", durationSeconds: 600, costCredits: 999 }, // October
    { agent: alpha, startedAt: "2026-12-01T00:00:00Z", durationSeconds: 600, costCredits: 999 }, // December
  ]);
  await insertCalls(t.deps.db, orgB, [{ startedAt: "2026-11-10T10:00:00Z", durationSeconds: 6000, costCredits: 5000 }]);
  await rebuildRollups(t.deps.db);
});
afterAll(async () => t?.close());

describe("GET /api/billing/usage", () => {
  it("totals one calendar month with credits and estimated cost, per agent and per day", async () => {
    const res = await a.get("/api/billing/usage").query({ month: "2026-11" }).expect(200);
    expect(res.body).toMatchObject({
      month: "2026-11",
      pricePerMinuteUsd: 0.1,
      totals: { calls: 3, minutes: 2.33, credits: 150.76, estimatedCost: 0.23 },
    });
    expect(res.body.byAgent).toEqual([
      {
        agentId: alpha.id,
        elevenLabsAgentId: "agent_alpha",
        name: "Alpha",
        calls: 2,
        minutes: 2,
        credits: 150.75,
        estimatedCost: 0.2,
      },
      {
        agentId: null,
        elevenLabsAgentId: "agent_other",
        name: null,
        calls: 1,
        minutes: 0.33,
        credits: 0.01,
        estimatedCost: 0.03,
      },
    ]);
    expect(res.body.daily).toHaveLength(30);
    expect(res.body.daily[0]).toEqual({ date: "2026-11-01", calls: 1, minutes: 1.5, credits: 100.25 });
    expect(res.body.daily[14]).toEqual({ date: "2026-11-15", calls: 1, minutes: 0.5, credits: 50.5 });
    expect(res.body.daily[29]).toEqual({ date: "2026-11-30", calls: 1, minutes: 0.33, credits: 0.01 });
    expect(res.body.daily.filter((d: { calls: number }) => d.calls === 0)).toHaveLength(27);
  });

  it("agrees with the dashboard for the same range", async () => {
    const billing = (await a.get("/api/billing/usage").query({ month: "2026-11" }).expect(200)).body;
    const dashboard = (
      await a.get("/api/analytics/organization").query({ from: "2026-11-01", to: "2026-11-30" }).expect(200)
    ).body;
    expect(dashboard.totals).toMatchObject({
      calls: billing.totals.calls,
      minutes: billing.totals.minutes,
      estimatedCost: billing.totals.estimatedCost,
    });
    const history = (
      await a.get("/api/call-logs").query({ from: "2026-11-01", to: "2026-11-30", limit: 100 }).expect(200)
    ).body;
    expect(history.data).toHaveLength(billing.totals.calls);
  });

  it("counts the month's days in the requested time zone", async () => {
    // In Tokyo (+9) 2026-10-31T23:59:59Z is Nov 1 and 2026-11-30T23:59:59Z is Dec 1.
    const res = await a.get("/api/billing/usage").query({ month: "2026-11", tz: "Asia/Tokyo" }).expect(200);
    expect(res.body.totals).toMatchObject({ calls: 3, credits: 1149.75 });
  });

  it("defaults to the current month", async () => {
    const res = await a.get("/api/billing/usage").expect(200);
    expect(res.body.month).toBe(new Date().toISOString().slice(0, 7));
  });

  it("answers 400 for a bad month or time zone", async () => {
    for (const month of ["2026-13", "2026-1", "26-11", "november"]) {
      const res = await a.get("/api/billing/usage").query({ month }).expect(400);
      expect(res.body.error.fields.month).toBeDefined();
    }
    // Issue 16: years PostgreSQL refuses (0000) or overflows on (9999) answered 500; any month outside 1970-2100 is invalid_date.
    for (const month of ["0000-01", "9999-12", "1969-12", "2101-01", "2026-00"]) {
      const res = await a.get("/api/billing/usage").query({ month }).expect(400);
      expect(res.body.error.code, month).toBe("invalid_date");
      expect(res.body.error.fields.month).toBeDefined();
    }
    for (const month of ["1970-01", "2100-12"]) await a.get("/api/billing/usage").query({ month }).expect(200);
    const res = await a.get("/api/billing/usage").query({ tz: "Nowhere/Land" }).expect(400);
    expect(res.body.error.fields.tz).toBeDefined();
  });

  it("never counts another organization's calls", async () => {
    const res = await b.get("/api/billing/usage").query({ month: "2026-11" }).expect(200);
    expect(res.body.totals).toEqual({ calls: 1, minutes: 100, credits: 5000, estimatedCost: 10 });
    expect(res.body.byAgent.map((x: { agentId: string | null }) => x.agentId)).toEqual([null]);
  });
});

describe("organization settings", () => {
  it("reads the name and price per minute", async () => {
    const res = await a.get("/api/organization").expect(200);
    expect(res.body).toMatchObject({ id: orgA, name: "Billing A", pricePerMinuteUsd: 0.1 });
    const viewer = await signInWithRole(t.app, t.deps.db, orgA, "viewer");
    await viewer.get("/api/organization").expect(200);
    await request(t.app).get("/api/organization").expect(401);
  });

  it("lets owners and admins change them, audit-logged, and costs follow the new price", async () => {
    const { agent: owner, user } = await signUp(t.app, { organizationName: "Pricey" });
    const org = user.organization.id;
    await insertCalls(t.deps.db, org, [{ startedAt: "2026-11-02T10:00:00Z", durationSeconds: 600 }]);
    await rebuildRollups(t.deps.db, org);
    const res = await owner
      .patch("/api/organization")
      .send({ name: "Pricey Inc", pricePerMinuteUsd: 0.075 })
      .expect(200);
    expect(res.body).toMatchObject({ id: org, name: "Pricey Inc", pricePerMinuteUsd: 0.075 });
    const usage = await owner.get("/api/billing/usage").query({ month: "2026-11" }).expect(200);
    expect(usage.body).toMatchObject({ pricePerMinuteUsd: 0.075, totals: { minutes: 10, estimatedCost: 0.75 } });
    const me = await owner.get("/api/auth/user").expect(200);
    expect(me.body.organization.name).toBe("Pricey Inc");
    const admin = await signInWithRole(t.app, t.deps.db, org, "admin");
    await admin.patch("/api/organization").send({ pricePerMinuteUsd: 0 }).expect(200);
    const audit = await t.deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, org), eq(auditLog.action, "organization.updated")));
    // One entry per change, with its new value.
    expect(audit.map((r) => r.target).sort()).toEqual(['name="Pricey Inc"', "pricePerMinuteUsd=0", "pricePerMinuteUsd=0.075"]);
  });

  it("refuses members and viewers with 403", async () => {
    for (const role of ["member", "viewer"] as const) {
      const agent = await signInWithRole(t.app, t.deps.db, orgA, role);
      const res = await agent.patch("/api/organization").send({ pricePerMinuteUsd: 9 }).expect(403);
      expect(res.body.error.code).toBe("forbidden");
    }
    expect((await a.get("/api/organization").expect(200)).body.pricePerMinuteUsd).toBe(0.1);
  });

  it("validates the input", async () => {
    for (const body of [
      { pricePerMinuteUsd: -1 },
      { pricePerMinuteUsd: "0.2" },
      { pricePerMinuteUsd: 1e9 },
      { name: "" },
      { name: "x".repeat(121) },
    ]) {
      const res = await a.patch("/api/organization").send(body).expect(400);
      expect(res.body.error.code).toBe("invalid_input");
      expect(Object.keys(res.body.error.fields)).toEqual([Object.keys(body)[0]]);
    }
  });

  it("changes only the caller's own organization", async () => {
    await b.patch("/api/organization").send({ name: "B renamed", pricePerMinuteUsd: 2 }).expect(200);
    expect((await a.get("/api/organization").expect(200)).body).toMatchObject({
      id: orgA,
      name: "Billing A",
      pricePerMinuteUsd: 0.1,
    });
    expect((await b.get("/api/organization").expect(200)).body).toMatchObject({
      id: orgB,
      name: "B renamed",
      pricePerMinuteUsd: 2,
    });
  });
});
