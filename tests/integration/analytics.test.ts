import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes, randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import request from "supertest";
import type TestAgent from "supertest/lib/agent";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { insertAgent, insertCalls, type AgentRow, type CallFactoryInput } from "../helpers/calls";
import { rebuildRollups } from "../../server/services/analytics/rollups";
import { tenantCtx } from "../../server/tenant-context";
import { usageByAgent, usageByDay, usageReport } from "../../server/services/analytics/usage";
import { resolveUsageRange } from "../../server/services/analytics/usage-range";
import type { Bound } from "../../server/services/calls/time-range";

type Fixture = {
  elevenlabsAgentId: string;
  startedAt: Date;
  durationSeconds: number | null;
  callSuccessful: "success" | "failure" | "unknown" | null;
  costCredits: number;
};

let t: TestApp;
let a: TestAgent;
let b: TestAgent;
let orgA: string;
let alpha: AgentRow;
let beta: AgentRow;
const fixtures: Fixture[] = [];
const PRICE = 0.25;

/** Deterministic pseudo-random numbers, so a failure reproduces. */
function lcg(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

/** The local date of an instant, computed by Intl (not by the server's PostgreSQL arithmetic). */
const formats = new Map<string, Intl.DateTimeFormat>();
function localDay(date: Date, tz: string): string {
  let format = formats.get(tz);
  if (!format)
    formats.set(
      tz,
      (format = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" })),
    );
  return format.format(date);
}

function daysBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${first}T00:00:00Z`); d.toISOString().slice(0, 10) <= last; d.setUTCDate(d.getUTCDate() + 1))
    out.push(d.toISOString().slice(0, 10));
  return out;
}

const round2 = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100;

/** Expected numbers from the fixtures alone: whole local days [first, last] in tz, optionally one agent. */
function expected(first: string, last: string, tz: string, agent?: string) {
  const days = daysBetween(first, last);
  const inRange = fixtures.filter((f) => {
    const day = localDay(f.startedAt, tz);
    return day >= first && day <= last && (!agent || f.elevenlabsAgentId === agent);
  });
  const seconds = inRange.reduce((s, f) => s + (f.durationSeconds ?? 0), 0);
  const withDuration = inRange.filter((f) => f.durationSeconds !== null);
  const success = inRange.filter((f) => f.callSuccessful === "success").length;
  const failure = inRange.filter((f) => f.callSuccessful === "failure").length;
  const byAgent = new Map<string, { calls: number; seconds: number }>();
  for (const f of inRange) {
    const e = byAgent.get(f.elevenlabsAgentId) ?? { calls: 0, seconds: 0 };
    e.calls += 1;
    e.seconds += f.durationSeconds ?? 0;
    byAgent.set(f.elevenlabsAgentId, e);
  }
  return {
    totals: {
      calls: inRange.length,
      minutes: round2(seconds / 60),
      estimatedCost: round2((seconds / 60) * PRICE),
      successRate: success + failure ? success / (success + failure) : null,
      avgDurationSeconds: withDuration.length ? round2(seconds / withDuration.length) : null,
    },
    daily: days.map((date) => {
      const list = inRange.filter((f) => localDay(f.startedAt, tz) === date);
      return { date, calls: list.length, minutes: round2(list.reduce((s, f) => s + (f.durationSeconds ?? 0), 0) / 60) };
    }),
    byAgent,
    credits: round2(inRange.reduce((s, f) => s + f.costCredits, 0)),
  };
}

beforeAll(async () => {
  t = await createTestApp();
  const sa = await signUp(t.app, { organizationName: "Analytics A" });
  const sb = await signUp(t.app, { organizationName: "Analytics B" });
  a = sa.agent;
  b = sb.agent;
  orgA = sa.user.organization.id;
  await a.patch("/api/organization").send({ pricePerMinuteUsd: PRICE }).expect(200);
  alpha = await insertAgent(t.deps.db, orgA, { elevenlabsAgentId: "agent_alpha", name: "Alpha" });
  beta = await insertAgent(t.deps.db, orgA, { elevenlabsAgentId: "agent_beta", name: "Beta" });
  await insertAgent(t.deps.db, orgA, { elevenlabsAgentId: "agent_idle", name: "Idle" });

  const random = lcg(42);
  const outcomes = ["success", "success", "failure", "unknown", null] as const;
  const start = Date.UTC(2026, 8, 20); // 2026-09-20 .. 2026-11-20, across the European DST change of Oct 25
  const input: CallFactoryInput[] = [];
  for (let i = 0; i < 900; i++) {
    const pick = random();
    const agent = pick < 0.5 ? alpha : pick < 0.85 ? beta : null;
    const f: Fixture = {
      elevenlabsAgentId: agent ? agent.elevenlabsAgentId : "agent_unregistered",
      startedAt: new Date(start + Math.floor(random() * 61 * 86_400) * 1000),
      durationSeconds: random() < 0.08 ? null : 1 + Math.floor(random() * 900),
      callSuccessful: outcomes[Math.floor(random() * outcomes.length)],
      costCredits: Math.floor(random() * 50_000) / 100,
    };
    fixtures.push(f);
    input.push({ ...f, agent });
  }
  // Calls right at local midnights of several zones, where off-by-one-hour bugs show.
  for (const iso of [
    "2026-11-01T00:00:00Z",
    "2026-10-31T23:59:59Z",
    "2026-10-31T15:00:00Z",
    "2026-11-01T04:00:00Z",
    "2026-11-01T05:00:00Z",
    "2026-10-31T18:30:00Z",
    "2026-10-31T18:29:59Z",
    "2026-10-24T22:00:00Z",
    "2026-10-25T23:00:00Z",
    // Asia/Kathmandu's midnight (+05:45) and the quarters beside it, on both sides.
    "2026-10-31T18:15:00Z",
    "2026-10-31T18:14:59.999Z",
    "2026-10-31T18:00:00Z",
    "2026-10-31T18:44:59Z",
    "2026-10-31T18:45:00Z",
    // Pacific/Chatham's midnight (+13:45 in November).
    "2026-11-02T10:15:00Z",
    "2026-11-02T10:14:59Z",
  ]) {
    const f: Fixture = {
      elevenlabsAgentId: "agent_alpha",
      startedAt: new Date(iso),
      durationSeconds: 100,
      callSuccessful: "success",
      costCredits: 1,
    };
    fixtures.push(f);
    input.push({ ...f, agent: alpha });
  }
  await insertCalls(t.deps.db, orgA, input);
  // A call without a start time is listed but has no day: analytics leave it out.
  await insertCalls(t.deps.db, orgA, [{ agent: alpha, startedAt: null, durationSeconds: 999 }]);
  // B: one call in the same days, never counted for A; A's calls never for B.
  await insertCalls(t.deps.db, sb.user.organization.id, [
    { elevenlabsAgentId: "agent_alpha", startedAt: new Date("2026-11-02T10:00:00Z"), durationSeconds: 6000 },
  ]);
  await rebuildRollups(t.deps.db);
});
afterAll(async () => t?.close());

async function getAnalytics(agent: TestAgent, query: Record<string, string>) {
  return (await agent.get("/api/analytics/organization").query(query).expect(200)).body;
}

describe("GET /api/analytics/organization", () => {
  it.each([
    ["UTC", "2026-11-01", "2026-11-10"],
    ["America/New_York", "2026-10-28", "2026-11-05"], // US DST ends Nov 1
    ["Europe/Berlin", "2026-10-20", "2026-10-31"], // EU DST ends Oct 25: a 25-hour day
    ["Asia/Tokyo", "2026-10-01", "2026-11-20"],
    ["Asia/Kolkata", "2026-10-25", "2026-11-05"], // +05:30: not on whole hours, answered from raw calls
    ["Asia/Kathmandu", "2026-11-01", "2026-11-01"], // +05:45
    ["Asia/Kathmandu", "2026-09-20", "2026-11-20"],
    ["Asia/Kolkata", "2026-09-20", "2026-11-20"],
  ])("matches numbers computed independently from the calls (%s, %s..%s)", async (tz, from, to) => {
    const body = await getAnalytics(a, { from, to, tz });
    const want = expected(from, to, tz);
    expect(want.totals.calls).toBeGreaterThan(0);
    expect(body.range).toMatchObject({ from, to, tz });
    expect(body.totals.calls).toBe(want.totals.calls);
    expect(body.totals.minutes).toBe(want.totals.minutes);
    expect(body.totals.estimatedCost).toBe(want.totals.estimatedCost);
    expect(body.totals.successRate).toBeCloseTo(want.totals.successRate!, 10);
    expect(body.totals.avgDurationSeconds).toBe(want.totals.avgDurationSeconds);
    expect(body.totals.credits).toBe(want.credits);
    expect(body.daily).toEqual(want.daily);
    const agents = Object.fromEntries(
      body.byAgent.map((x: { elevenLabsAgentId: string; calls: number; minutes: number }) => [x.elevenLabsAgentId, x]),
    );
    for (const [id, e] of want.byAgent)
      expect(agents[id]).toMatchObject({ calls: e.calls, minutes: round2(e.seconds / 60) });
    expect(body.byAgent.reduce((s: number, x: { calls: number }) => s + x.calls, 0)).toBe(want.totals.calls);
  });

  it("buckets the same instant into different days by time zone", async () => {
    // 2026-11-01T00:00Z: Nov 1 in UTC, Oct 31 in New York, Nov 1 in Tokyo.
    const utc = await getAnalytics(a, { from: "2026-10-31", to: "2026-11-01", tz: "UTC" });
    const ny = await getAnalytics(a, { from: "2026-10-31", to: "2026-11-01", tz: "America/New_York" });
    expect(utc.daily.map((d: { date: string }) => d.date)).toEqual(["2026-10-31", "2026-11-01"]);
    expect(utc.daily).toEqual(expected("2026-10-31", "2026-11-01", "UTC").daily);
    expect(ny.daily).toEqual(expected("2026-10-31", "2026-11-01", "America/New_York").daily);
    expect(utc.daily).not.toEqual(ny.daily);
    // Local midnights on both sides of the DST change (EDT -4, then EST -5).
    expect(ny.range).toEqual({
      from: "2026-10-31",
      to: "2026-11-01",
      tz: "America/New_York",
      fromAt: "2026-10-31T04:00:00.000Z",
      toAt: "2026-11-02T05:00:00.000Z",
    });
  });

  it("zero-fills every day of the range, including days without calls", async () => {
    const body = await getAnalytics(a, { from: "2026-11-15", to: "2026-12-10" });
    expect(body.daily).toHaveLength(26);
    expect(body.daily.at(-1)).toEqual({ date: "2026-12-10", calls: 0, minutes: 0 });
    expect(body.daily.filter((d: { calls: number }) => d.calls === 0).length).toBeGreaterThanOrEqual(20);
    expect(body.daily).toEqual(expected("2026-11-15", "2026-12-10", "UTC").daily);
  });

  it("reports the previous period of equal length", async () => {
    const body = await getAnalytics(a, { from: "2026-11-01", to: "2026-11-10", tz: "Europe/Berlin" });
    const previous = expected("2026-10-22", "2026-10-31", "Europe/Berlin").totals;
    expect(body.previous.calls).toBe(previous.calls);
    expect(body.previous.minutes).toBe(previous.minutes);
    expect(body.previous.estimatedCost).toBe(previous.estimatedCost);
    expect(body.previous.successRate).toBeCloseTo(previous.successRate!, 10);
    expect(body.previous.avgDurationSeconds).toBe(previous.avgDurationSeconds);
  });

  it("treats date-times as instants: from included, to excluded", async () => {
    const body = await getAnalytics(a, { from: "2026-10-31T18:29:59Z", to: "2026-11-01T00:00:00Z" });
    const want = fixtures.filter(
      (f) => f.startedAt >= new Date("2026-10-31T18:29:59Z") && f.startedAt < new Date("2026-11-01T00:00:00Z"),
    );
    expect(body.totals.calls).toBe(want.length);
    expect(body.totals.minutes).toBe(round2(want.reduce((s, f) => s + (f.durationSeconds ?? 0), 0) / 60));
    expect(body.range).toMatchObject({ fromAt: "2026-10-31T18:29:59.000Z", toAt: "2026-11-01T00:00:00.000Z" });
  });

  it("filters by agent, and an agent of another organization counts nothing", async () => {
    const body = await getAnalytics(a, { from: "2026-11-01", to: "2026-11-10", agentId: beta.id });
    const want = expected("2026-11-01", "2026-11-10", "UTC", "agent_beta");
    expect(body.totals.calls).toBe(want.totals.calls);
    expect(body.totals.minutes).toBe(want.totals.minutes);
    expect(body.daily).toEqual(want.daily);
    expect(body.byAgent).toEqual([
      {
        agentId: beta.id,
        elevenLabsAgentId: "agent_beta",
        name: "Beta",
        calls: want.totals.calls,
        minutes: want.totals.minutes,
      },
    ]);
    const foreign = await getAnalytics(b, { from: "2026-11-01", to: "2026-11-10", agentId: alpha.id });
    expect(foreign.totals).toEqual({
      calls: 0,
      minutes: 0,
      estimatedCost: 0,
      credits: 0,
      successRate: null,
      avgDurationSeconds: null,
    });
    expect(foreign.byAgent).toEqual([]);
    const unknown = await getAnalytics(a, { agentId: randomUUID() });
    expect(unknown.totals.calls).toBe(0);
  });

  it("lists registered agents without calls and unregistered agents' calls in byAgent", async () => {
    const body = await getAnalytics(a, { from: "2026-09-01", to: "2026-12-01" });
    const ids = body.byAgent.map((x: { elevenLabsAgentId: string }) => x.elevenLabsAgentId);
    expect(ids).toEqual(expect.arrayContaining(["agent_alpha", "agent_beta", "agent_idle", "agent_unregistered"]));
    expect(body.byAgent.find((x: { elevenLabsAgentId: string }) => x.elevenLabsAgentId === "agent_idle")).toMatchObject(
      { calls: 0, minutes: 0, name: "Idle" },
    );
    expect(
      body.byAgent.find((x: { elevenLabsAgentId: string }) => x.elevenLabsAgentId === "agent_unregistered"),
    ).toMatchObject({ agentId: null, name: null });
    expect(body.totals.calls).toBe(fixtures.length); // every call with a start time, none of B's
  });

  it("defaults to the last 30 days in the time zone, today included", async () => {
    const { agent, user } = await signUp(t.app);
    const now = new Date();
    await insertCalls(t.deps.db, user.organization.id, [
      { startedAt: now, durationSeconds: 90, callSuccessful: "success" },
      { startedAt: new Date(now.getTime() - 29 * 86_400_000), durationSeconds: 30, callSuccessful: "failure" },
      { startedAt: new Date(now.getTime() - 40 * 86_400_000), durationSeconds: 30 },
    ]);
    await rebuildRollups(t.deps.db, user.organization.id);
    const body = await getAnalytics(agent, {});
    expect(body.daily).toHaveLength(30);
    expect(body.daily.at(-1).date).toBe(localDay(now, "UTC"));
    expect(body.totals).toEqual({ calls: 2, minutes: 2, estimatedCost: 0.2, credits: 0, successRate: 0.5, avgDurationSeconds: 60 });
    expect(body.previous.calls).toBe(1);
  });

  it("has no success rate or average without judged calls or durations", async () => {
    const { agent, user } = await signUp(t.app);
    await insertCalls(t.deps.db, user.organization.id, [
      { startedAt: new Date("2026-11-02T10:00:00Z"), durationSeconds: null, callSuccessful: "unknown" },
    ]);
    await rebuildRollups(t.deps.db, user.organization.id);
    const body = await getAnalytics(agent, { from: "2026-11-01", to: "2026-11-03" });
    expect(body.totals).toEqual({
      calls: 1,
      minutes: 0,
      estimatedCost: 0,
      credits: 0,
      successRate: null,
      avgDurationSeconds: null,
    });
  });

  it("answers 400 with fields for invalid parameters", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ tz: "Not/AZone" }, "tz"],
      [{ tz: "+02:00" }, "tz"],
      [{ from: "2026-11-10", to: "2026-11-01" }, "from"],
      [{ from: "2026-11-01T10:00:00Z", to: "2026-11-01T10:00:00Z" }, "from"],
      [{ from: "2026-02-30" }, "from"],
      [{ from: "2020-01-01", to: "2026-01-01" }, "from"],
      [{ agentId: "abc" }, "agentId"],
    ];
    for (const [query, field] of cases) {
      const res = await a.get("/api/analytics/organization").query(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(Object.keys(res.body.error.fields), JSON.stringify(query)).toContain(field);
    }
    await request(t.app).get("/api/analytics/organization").expect(401);
  });

  it("never counts another organization's calls", async () => {
    const body = await getAnalytics(b, { from: "2026-09-01", to: "2026-12-01" });
    expect(body.totals.calls).toBe(1);
    expect(body.totals.minutes).toBe(100);
    expect(body.byAgent).toEqual([
      { agentId: null, elevenLabsAgentId: "agent_alpha", name: null, calls: 1, minutes: 100 },
    ]);
  });
});

describe("hourly and quarter-hour rollups", () => {
  it("give exactly the raw aggregate over call_logs, in any zone and for any instants", async () => {
    const ctx = tenantCtx(t.deps, orgA);
    const sort = <T extends { elevenlabsAgentId: string }>(rows: T[]) =>
      [...rows].sort((x, y) => x.elevenlabsAgentId.localeCompare(y.elevenlabsAgentId));
    const cases: Array<[string, Bound, Bound]> = [
      ["UTC", { kind: "date", date: "2026-09-01" }, { kind: "date", date: "2026-12-01" }],
      ["Europe/Berlin", { kind: "date", date: "2026-10-20" }, { kind: "date", date: "2026-10-31" }],
      ["America/Los_Angeles", { kind: "date", date: "2026-10-30" }, { kind: "date", date: "2026-11-03" }],
      ["Asia/Kolkata", { kind: "date", date: "2026-10-01" }, { kind: "date", date: "2026-11-20" }], // +05:30
      ["Pacific/Chatham", { kind: "date", date: "2026-11-01" }, { kind: "date", date: "2026-11-05" }], // +13:45
      ["Asia/Kathmandu", { kind: "date", date: "2026-09-20" }, { kind: "date", date: "2026-11-20" }], // +05:45
      ["Asia/Kathmandu", { kind: "date", date: "2026-10-31" }, { kind: "date", date: "2026-11-01" }],
      ["Asia/Kolkata", { kind: "date", date: "2026-10-31" }, { kind: "date", date: "2026-11-01" }],
      // Instants on quarter-hours (no call row read) and off them (a sub-quarter piece at each end).
      [
        "Asia/Kolkata",
        { kind: "instant", iso: "2026-10-03T10:15:00.000Z" },
        { kind: "instant", iso: "2026-11-08T05:45:00.000Z" },
      ],
      [
        "Asia/Kathmandu",
        { kind: "instant", iso: "2026-10-31T18:15:00.000Z" },
        { kind: "instant", iso: "2026-10-31T18:45:00.000Z" },
      ],
      [
        "Asia/Kathmandu",
        { kind: "instant", iso: "2026-10-31T17:59:59.000Z" },
        { kind: "instant", iso: "2026-10-31T18:15:00.001Z" },
      ],
      // Inside one quarter: only call rows.
      [
        "Asia/Kathmandu",
        { kind: "instant", iso: "2026-10-31T18:14:00.000Z" },
        { kind: "instant", iso: "2026-10-31T18:16:00.000Z" },
      ],
      [
        "UTC",
        { kind: "instant", iso: "2026-10-03T10:17:31.000Z" },
        { kind: "instant", iso: "2026-11-08T05:42:10.500Z" },
      ],
      [
        "Asia/Kathmandu",
        { kind: "instant", iso: "2026-10-03T10:17:31.000Z" },
        { kind: "instant", iso: "2026-10-06T18:59:00.000Z" },
      ],
      // Inside one hour, around two fixtures at 18:29:59 and 18:30:00: nothing whole, all from call_logs.
      [
        "UTC",
        { kind: "instant", iso: "2026-10-31T18:10:00.000Z" },
        { kind: "instant", iso: "2026-10-31T18:50:00.000Z" },
      ],
      [
        "Asia/Kolkata",
        { kind: "instant", iso: "2026-10-31T17:10:00.000Z" },
        { kind: "instant", iso: "2026-10-31T18:30:00.000Z" },
      ],
    ];
    for (const [tz, from, to] of cases) {
      const label = `${tz} ${JSON.stringify(from)} ${JSON.stringify(to)}`;
      const range = await resolveUsageRange(ctx, from, to, tz);
      const fromRollups = sort(await usageByAgent(ctx, range.fromAt, range.toAt, undefined, "rollups"));
      const fromCalls = sort(await usageByAgent(ctx, range.fromAt, range.toAt, undefined, "raw"));
      expect(fromCalls.length, label).toBeGreaterThan(0);
      expect(fromRollups, label).toEqual(fromCalls);
      const dailyRollups = await usageByDay(ctx, range, undefined, "rollups");
      const dailyCalls = await usageByDay(ctx, range, undefined, "raw");
      expect(dailyRollups, label).toEqual(dailyCalls);
      expect(
        dailyCalls.reduce((n, d) => n + d.calls, 0),
        label,
      ).toBe(fromCalls.reduce((n, a) => n + a.calls, 0));
      const agentOnly = await usageByAgent(ctx, range.fromAt, range.toAt, "agent_beta", "rollups");
      expect(agentOnly, label).toEqual(fromCalls.filter((r) => r.elevenlabsAgentId === "agent_beta"));
      // The Dashboard's one query: days, agents and the previous period (its own hours, quarters and edges).
      const report = await usageReport(ctx, range, undefined, { previous: true });
      const reportCalls = await usageReport(ctx, range, undefined, { previous: true, source: "raw" });
      expect(sort(report.byAgent), label).toEqual(sort(reportCalls.byAgent));
      expect(sort(report.previous), label).toEqual(sort(reportCalls.previous));
      expect(report.daily, label).toEqual(reportCalls.daily);
      const reportBeta = await usageReport(ctx, range, "agent_beta", { previous: true });
      expect(reportBeta.byAgent, label).toEqual(fromCalls.filter((r) => r.elevenlabsAgentId === "agent_beta"));
    }
  });

  it("read calls for a quarter a local midnight cuts (zones off quarter-hours, like Africa/Monrovia before 1972)", async () => {
    const { user } = await signUp(t.app);
    const org = user.organization.id;
    const ctx = tenantCtx(t.deps, org);
    // Monrovia was at -00:44:30: local midnight of 1970-06-02 is 00:44:30Z, inside the quarter from 00:30.
    await insertCalls(
      t.deps.db,
      org,
      ["1970-06-02T00:30:00Z", "1970-06-02T00:44:29Z", "1970-06-02T00:44:30Z", "1970-06-02T00:59:00Z", "1970-06-01T12:00:00Z"].map(
        (iso, i) => ({ elevenlabsAgentId: "agent_old", startedAt: new Date(iso), durationSeconds: 10 + i, costCredits: 1 }),
      ),
    );
    await rebuildRollups(t.deps.db, org);
    for (const [from, to] of [
      [{ kind: "date", date: "1970-06-01" }, { kind: "date", date: "1970-06-03" }],
      [{ kind: "instant", iso: "1970-06-01T12:00:00Z" }, { kind: "instant", iso: "1970-06-02T00:45:00Z" }],
    ] as Array<[Bound, Bound]>) {
      const range = await resolveUsageRange(ctx, from, to, "Africa/Monrovia");
      const daily = await usageByDay(ctx, range, undefined, "rollups");
      expect(daily).toEqual(await usageByDay(ctx, range, undefined, "raw"));
      expect(daily.find((d) => d.date === "1970-06-01")?.calls).toBe(3);
    }
  });

  it("rebuild one organization without touching the others, idempotently", async () => {
    const sums = (table: string) =>
      t.deps.db.execute(`select organization_id, sum(calls)::int as calls, sum(cost_credits)::text as credits from ${table} group by 1 order by 1`);
    const before = await sums("call_hourly_rollups");
    await rebuildRollups(t.deps.db, orgA);
    await rebuildRollups(t.deps.db, orgA);
    const after = await sums("call_hourly_rollups");
    expect(after.rows).toEqual(before.rows);
    const mine = after.rows.find((r) => r.organization_id === orgA);
    expect(mine?.calls).toBe(fixtures.length);
    // Every hour is the sum of its quarters.
    expect((await sums("call_quarter_rollups")).rows).toEqual(after.rows);
    const { rows: hoursOffTheirQuarters } = await t.deps.db.execute(sql`
      select h.organization_id, h.hour from (
        select organization_id, elevenlabs_agent_id, hour, sum(calls) c, sum(duration_seconds) d, sum(cost_credits) k from call_hourly_rollups group by 1, 2, 3
      ) h full join (
        select organization_id, elevenlabs_agent_id, date_trunc('hour', quarter, 'UTC') as hour, sum(calls) c, sum(duration_seconds) d, sum(cost_credits) k
        from call_quarter_rollups group by 1, 2, 3
      ) q using (organization_id, elevenlabs_agent_id, hour)
      where h.c is distinct from q.c or h.d is distinct from q.d or h.k is distinct from q.k`);
    expect(hoursOffTheirQuarters).toEqual([]);
  });

  it("were filled by their migration from the calls stored before it, as the rebuild fills them", async () => {
    const dir = path.resolve(import.meta.dirname, "../../server/db/migrations");
    const file = fs.readdirSync(dir).find((f) => f.endsWith("_quarter_rollups.sql"));
    const backfill = fs.readFileSync(path.join(dir, file!), "utf8").split("--> statement-breakpoint").at(-1)!;
    expect(backfill).toMatch(/^\s*(--.*\n)*INSERT INTO "call_quarter_rollups"/);
    const rows = `select organization_id, elevenlabs_agent_id, quarter, sum(calls)::int c, sum(duration_seconds)::int d, sum(success_calls)::int s,
      sum(failure_calls)::int f, sum(duration_calls)::int n, sum(cost_credits)::text k from call_quarter_rollups group by 1, 2, 3 order by 1, 2, 3`;
    const rebuilt = (await t.deps.db.execute(rows)).rows;
    expect(rebuilt.length).toBeGreaterThan(800);
    // Run in a transaction that is rolled back: the other tests keep their rollups.
    let migrated: unknown[] = [];
    await t.deps.db
      .transaction(async (tx) => {
        await tx.execute(sql`delete from call_quarter_rollups`);
        await tx.execute(sql.raw(backfill));
        migrated = (await tx.execute(rows)).rows;
        tx.rollback();
      })
      .catch((err: Error) => expect(err.message).toMatch(/rollback/i));
    expect(migrated).toEqual(rebuilt);
  });

  it("are rebuilt by `npm run rollups:rebuild` after they were lost", async () => {
    const sums = `select 'h', organization_id, sum(calls)::int as calls, sum(duration_seconds)::int as seconds from call_hourly_rollups group by 2 union all
      select 'q', organization_id, sum(calls)::int as calls, sum(duration_seconds)::int as seconds from call_quarter_rollups group by 2 order by 1, 2`;
    const before = await t.deps.db.execute(sums);
    await t.deps.db.execute(sql`delete from call_hourly_rollups where organization_id = ${orgA}`);
    await t.deps.db.execute(sql`delete from call_quarter_rollups where organization_id = ${orgA}`);
    const env = { ...process.env, NODE_ENV: "test", DATABASE_URL: t.databaseUrl, SESSION_SECRET: "x".repeat(32), ENCRYPTION_KEY: randomBytes(32).toString("base64") };
    const script = path.resolve(import.meta.dirname, "../../server/scripts/rebuild-rollups.ts");
    const run = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", script, ...args], { env, encoding: "utf8", timeout: 60_000 });
    expect(run(["not-a-uuid"]).status).toBe(2);
    const done = run([orgA]);
    expect(done.status, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/rebuilt the hourly rollups of organization/);
    expect((await t.deps.db.execute(sums)).rows).toEqual(before.rows);
  });
});
