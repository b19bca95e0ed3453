import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type TestAgent from "supertest/lib/agent";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { insertAgent, insertCalls, signInWithRole } from "../helpers/calls";
import { rebuildRollups } from "../../server/services/analytics/rollups";
import { auditLog } from "../../server/db/schema";
import { organizationPreferences } from "../../server/services/organizations/organization-settings";

let t: TestApp;
let owner: TestAgent;
let orgId: string;

beforeAll(async () => {
  t = await createTestApp();
  const s = await signUp(t.app, { organizationName: "Settings Org" });
  owner = s.agent;
  orgId = s.user.organization.id;
});
afterAll(async () => t?.close());

describe("GET/PATCH /api/organization governance settings (DESIGN.md §11)", () => {
  it("starts with the documented defaults", async () => {
    const res = await owner.get("/api/organization").expect(200);
    expect(res.body).toMatchObject({
      id: orgId,
      name: "Settings Org",
      timeZone: "UTC",
      retention: { callsDays: null, audioDays: null, rawEventsDays: 30 },
      redaction: { enabled: false, kinds: ["email", "phone", "card", "ssn", "iban"] },
      storeAudio: true,
      maskPhoneNumbers: true,
      // No SMTP_URL in this app: the digest is off by default.
      weeklyDigest: false,
    });
  });

  it("weekly digest defaults to on when SMTP_URL is set", async () => {
    const prefs = await organizationPreferences(t.deps.db, orgId, { smtpUrl: "smtp://mail.test:25" });
    expect(prefs?.weeklyDigest).toBe(true);
  });

  it("changes settings partially, audits each change, and keeps the rest", async () => {
    const res = await owner
      .patch("/api/organization")
      .send({ timeZone: "Europe/Paris", retention: { callsDays: 90 }, redaction: { enabled: true }, storeAudio: false, weeklyDigest: true })
      .expect(200);
    expect(res.body).toMatchObject({
      timeZone: "Europe/Paris",
      retention: { callsDays: 90, audioDays: null, rawEventsDays: 30 },
      redaction: { enabled: true, kinds: ["email", "phone", "card", "ssn", "iban"] },
      storeAudio: false,
      maskPhoneNumbers: true,
      weeklyDigest: true,
    });
    await owner.patch("/api/organization").send({ retention: { rawEventsDays: null }, redaction: { kinds: ["card", "email"] } }).expect(200);
    const after = await owner.get("/api/organization").expect(200);
    expect(after.body.retention).toEqual({ callsDays: 90, audioDays: null, rawEventsDays: null });
    expect(after.body.redaction).toEqual({ enabled: true, kinds: ["email", "card"] });

    const entries = await t.deps.db
      .select({ target: auditLog.target })
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, orgId), eq(auditLog.action, "organization.updated")));
    expect(entries.map((e) => e.target).sort()).toEqual(
      [
        "timeZone=Europe/Paris",
        "retention.callsDays=90",
        "redaction.enabled=true",
        "storeAudio=false",
        "weeklyDigest=true",
        "retention.rawEventsDays=forever",
        "redaction.kinds=email+card",
      ].sort(),
    );
  });

  it("refuses nonsense with 400 and field names", async () => {
    const bad = [
      { timeZone: "Mars/Olympus" },
      { timeZone: "+05:00" },
      { retention: { callsDays: 0 } },
      { retention: { callsDays: 1.5 } },
      { retention: { bogus: 3 } },
      { redaction: { kinds: ["passport"] } },
      { storeAudio: "yes" },
      { unknownSetting: true },
    ];
    for (const body of bad) {
      const res = await owner.patch("/api/organization").send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("invalid_input");
    }
  });

  it("lets admins change settings, not members or viewers", async () => {
    const admin = await signInWithRole(t.app, t.deps.db, orgId, "admin");
    const member = await signInWithRole(t.app, t.deps.db, orgId, "member");
    const viewer = await signInWithRole(t.app, t.deps.db, orgId, "viewer");
    await admin.patch("/api/organization").send({ maskPhoneNumbers: false }).expect(200);
    await member.patch("/api/organization").send({ maskPhoneNumbers: true }).expect(403);
    await viewer.patch("/api/organization").send({ maskPhoneNumbers: true }).expect(403);
    const read = await viewer.get("/api/organization").expect(200);
    expect(read.body.maskPhoneNumbers).toBe(false);
  });
});

describe("the organization's time zone as the default for analytics and billing", () => {
  it("counts days and billing months in the organization's zone unless tz is given", async () => {
    const s = await signUp(t.app, { organizationName: "Tokyo Org" });
    const org = s.user.organization.id;
    const agent = await insertAgent(t.deps.db, org, { elevenlabsAgentId: "agent_tz" });
    // 2026-10-31T16:00Z is 2026-11-01 01:00 in Tokyo: October in UTC, November in Tokyo.
    await insertCalls(t.deps.db, org, [{ agent, startedAt: "2026-10-31T16:00:00Z", durationSeconds: 60, costCredits: 10 }]);
    await rebuildRollups(t.deps.db, org);

    const utcNov = await s.agent.get("/api/billing/usage").query({ month: "2026-11" }).expect(200);
    expect(utcNov.body.totals.calls).toBe(0);
    await s.agent.patch("/api/organization").send({ timeZone: "Asia/Tokyo" }).expect(200);
    const tokyoNov = await s.agent.get("/api/billing/usage").query({ month: "2026-11" }).expect(200);
    expect(tokyoNov.body.totals.calls).toBe(1);
    expect(tokyoNov.body.daily[0]).toMatchObject({ date: "2026-11-01", calls: 1 });
    // An explicit tz still wins.
    const explicit = await s.agent.get("/api/billing/usage").query({ month: "2026-11", tz: "UTC" }).expect(200);
    expect(explicit.body.totals.calls).toBe(0);

    const analytics = await s.agent.get("/api/analytics/organization").query({ from: "2026-11-01", to: "2026-11-01" }).expect(200);
    expect(analytics.body.range.tz).toBe("Asia/Tokyo");
    expect(analytics.body.totals.calls).toBe(1);

    // History's whole-day filters, the quality page and the user the client formats dates with follow it too.
    const day = { from: "2026-11-01", to: "2026-11-01" };
    expect((await s.agent.get("/api/call-logs").query(day).expect(200)).body.data).toHaveLength(1);
    expect((await s.agent.get("/api/call-logs/count").query(day).expect(200)).body.count).toBe(1);
    expect((await s.agent.get("/api/call-logs").query({ ...day, tz: "UTC" }).expect(200)).body.data).toHaveLength(0);
    const csv = await s.agent.get("/api/call-logs/export.csv").query(day).expect(200);
    expect(csv.text.trim().split("\n")).toHaveLength(2);
    const quality = await s.agent.get("/api/analytics/quality").query(day).expect(200);
    expect(quality.body.range.tz).toBe("Asia/Tokyo");
    expect((await s.agent.get("/api/auth/user").expect(200)).body.organization).toMatchObject({ id: org, timeZone: "Asia/Tokyo" });
  });
});
