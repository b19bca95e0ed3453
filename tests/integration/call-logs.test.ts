import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import request from "supertest";
import type TestAgent from "supertest/lib/agent";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import {
  insertAgent,
  insertCall,
  insertCalls,
  signInWithRole,
  type AgentRow,
  type CallRow,
  type CallFactoryInput,
} from "../helpers/calls";
import { encodeCursor } from "../../server/services/calls/cursor";
import { callAudio } from "../../server/db/schema";

let t: TestApp;
let a: TestAgent; // organization A's owner
let b: TestAgent; // organization B's owner
let orgA: string;
let orgB: string;
let alpha: AgentRow;
let beta: AgentRow;
let calls: CallRow[];

const at = (iso: string) => new Date(iso);

/** A's calls: a small, fully known data set every filter test is checked against. */
const FIXTURE: Array<CallFactoryInput & { key: string; agentKey: "alpha" | "beta" | null }> = [
  {
    key: "c1",
    agentKey: "alpha",
    startedAt: at("2026-11-01T08:00:00Z"),
    durationSeconds: 30,
    callSuccessful: "success",
    status: "done",
    summary: "Customer asked about a refund for order 1234",
  },
  {
    key: "c2",
    agentKey: "alpha",
    startedAt: at("2026-11-01T23:30:00Z"),
    durationSeconds: 125,
    callSuccessful: "failure",
    status: "done",
    summary: "Caller wanted to cancel the subscription",
  },
  {
    key: "c3",
    agentKey: "beta",
    startedAt: at("2026-11-02T12:00:00Z"),
    durationSeconds: 600,
    callSuccessful: "unknown",
    status: "done",
    summaryTitle: "Billing dispute",
  },
  {
    key: "c4",
    agentKey: "beta",
    startedAt: at("2026-11-03T00:15:00Z"),
    durationSeconds: null,
    callSuccessful: null,
    status: "failed",
    terminationReason: "initiation failed",
  },
  {
    key: "c5",
    agentKey: null,
    elevenlabsAgentId: "agent_not_registered",
    startedAt: at("2026-11-04T09:00:00Z"),
    durationSeconds: 61,
    callSuccessful: "success",
    status: "processing",
  },
  {
    key: "c6",
    agentKey: "alpha",
    startedAt: at("2026-11-05T10:00:00Z"),
    durationSeconds: 300,
    callSuccessful: "success",
    status: "done",
    transcript: [
      { role: "agent", message: "Hello, how can I help?", timeInCallSecs: 0 },
      { role: "user", message: "My parcel never arrived, it's lost in transit", timeInCallSecs: 3.5 },
    ],
  },
];

function byKey(key: string): CallRow {
  const index = FIXTURE.findIndex((f) => f.key === key);
  return calls[index];
}

async function listIds(agent: TestAgent, query: Record<string, string | number>): Promise<string[]> {
  const res = await agent.get("/api/call-logs").query(query).expect(200);
  return res.body.data.map((c: { id: string }) => c.id);
}

function idsOf(...keys: string[]): string[] {
  // Newest first, as the API orders them.
  return keys
    .map(byKey)
    .sort((x, y) => (y.startedAt?.getTime() ?? 0) - (x.startedAt?.getTime() ?? 0))
    .map((c) => c.id);
}

beforeAll(async () => {
  t = await createTestApp();
  const sa = await signUp(t.app, { organizationName: "Org A" });
  const sb = await signUp(t.app, { organizationName: "Org B" });
  a = sa.agent;
  b = sb.agent;
  orgA = sa.user.organization.id;
  orgB = sb.user.organization.id;
  alpha = await insertAgent(t.deps.db, orgA, { elevenlabsAgentId: "agent_alpha", name: "Alpha Support" });
  beta = await insertAgent(t.deps.db, orgA, { elevenlabsAgentId: "agent_beta", name: "Beta Sales" });
  calls = await insertCalls(
    t.deps.db,
    orgA,
    FIXTURE.map(({ key: _key, agentKey, ...c }) => ({
      ...c,
      agent: agentKey === "alpha" ? alpha : agentKey === "beta" ? beta : null,
    })),
  );
  // B has a call that matches every search and filter below; A must never see it, and vice versa.
  const bAgent = await insertAgent(t.deps.db, orgB, { elevenlabsAgentId: "agent_alpha", name: "B's alpha" });
  await insertCall(t.deps.db, orgB, {
    agent: bAgent,
    startedAt: at("2026-11-02T12:00:00Z"),
    durationSeconds: 100,
    summary: "refund parcel subscription",
  });
});
afterAll(async () => t?.close());

describe("GET /api/call-logs", () => {
  it("lists the organization's calls newest first in the CallLogSummary shape", async () => {
    const res = await a.get("/api/call-logs").expect(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.data.map((c: { id: string }) => c.id)).toEqual(idsOf("c1", "c2", "c3", "c4", "c5", "c6"));
    const c6 = res.body.data.find((c: { id: string }) => c.id === byKey("c6").id);
    expect(c6).toEqual({
      id: byKey("c6").id,
      conversationId: byKey("c6").conversationId,
      agentId: alpha.id,
      elevenLabsAgentId: "agent_alpha",
      agentName: "Alpha Support",
      status: "done",
      startedAt: "2026-11-05T10:00:00.000Z",
      durationSeconds: 300,
      callSuccessful: "success",
      summaryTitle: null,
      costCredits: null,
      hasAudio: false,
      // DESIGN.md §9: present, null when unknown.
      terminationReason: null,
      direction: null,
      externalNumber: null,
      criteria: null,
      rating: null,
      hasToolError: null,
      snippet: null,
    });
    const c5 = res.body.data.find((c: { id: string }) => c.id === byKey("c5").id);
    expect(c5).toMatchObject({ agentId: null, agentName: null, elevenLabsAgentId: "agent_not_registered" });
  });

  it("filters by agent", async () => {
    expect(await listIds(a, { agentId: alpha.id })).toEqual(idsOf("c1", "c2", "c6"));
    expect(await listIds(a, { agentId: beta.id })).toEqual(idsOf("c3", "c4"));
  });

  it("filters by status", async () => {
    expect(await listIds(a, { status: "failed" })).toEqual(idsOf("c4"));
    expect(await listIds(a, { status: "processing" })).toEqual(idsOf("c5"));
    expect(await listIds(a, { status: "in-progress" })).toEqual([]);
  });

  it("filters by outcome: true = success, false = failure, unknown = unknown", async () => {
    expect(await listIds(a, { success: "true" })).toEqual(idsOf("c1", "c5", "c6"));
    expect(await listIds(a, { success: "false" })).toEqual(idsOf("c2"));
    expect(await listIds(a, { success: "unknown" })).toEqual(idsOf("c3"));
  });

  it("filters by duration bounds, both inclusive", async () => {
    expect(await listIds(a, { minDuration: 61 })).toEqual(idsOf("c2", "c3", "c5", "c6"));
    expect(await listIds(a, { maxDuration: 61 })).toEqual(idsOf("c1", "c5"));
    expect(await listIds(a, { minDuration: 61, maxDuration: 300 })).toEqual(idsOf("c2", "c5", "c6"));
  });

  it("filters by whole days in UTC by default, both days included", async () => {
    expect(await listIds(a, { from: "2026-11-01", to: "2026-11-01" })).toEqual(idsOf("c1", "c2"));
    expect(await listIds(a, { from: "2026-11-02", to: "2026-11-03" })).toEqual(idsOf("c3", "c4"));
    expect(await listIds(a, { from: "2026-11-04" })).toEqual(idsOf("c5", "c6"));
    expect(await listIds(a, { to: "2026-11-01" })).toEqual(idsOf("c1", "c2"));
  });

  it("counts days in the requested time zone", async () => {
    // 2026-11-01T23:30Z is already Nov 2 in Tokyo (+9); 2026-11-03T00:15Z is still Nov 2 in New York (-5).
    expect(await listIds(a, { from: "2026-11-02", to: "2026-11-02", tz: "Asia/Tokyo" })).toEqual(idsOf("c2", "c3"));
    expect(await listIds(a, { from: "2026-11-02", to: "2026-11-02", tz: "America/New_York" })).toEqual(
      idsOf("c3", "c4"),
    );
  });

  it("treats date-times as instants: from included, to excluded", async () => {
    expect(await listIds(a, { from: "2026-11-01T08:00:00Z", to: "2026-11-02T12:00:00Z" })).toEqual(idsOf("c1", "c2"));
    expect(await listIds(a, { from: "2026-11-01T08:00:01Z", to: "2026-11-02T12:00:00.001Z" })).toEqual(
      idsOf("c2", "c3"),
    );
    expect(await listIds(a, { from: "2026-11-01T09:00:00+01:00", to: "2026-11-02T07:00:00-05:00" })).toEqual(
      idsOf("c1", "c2"),
    );
  });

  it("searches transcripts, summaries and titles with web-search syntax", async () => {
    expect(await listIds(a, { q: "refund" })).toEqual(idsOf("c1"));
    expect(await listIds(a, { q: "refunds" })).toEqual(idsOf("c1")); // stemmed
    expect(await listIds(a, { q: "parcel lost" })).toEqual(idsOf("c6"));
    expect(await listIds(a, { q: "billing" })).toEqual(idsOf("c3"));
    expect(await listIds(a, { q: "refund OR subscription" })).toEqual(idsOf("c1", "c2"));
    expect(await listIds(a, { q: '"cancel the subscription"' })).toEqual(idsOf("c2"));
    expect(await listIds(a, { q: "nothing-like-this" })).toEqual([]);
    // Operators and punctuation never reach tsquery syntax errors.
    for (const q of ["'", "&|!()", "a:*", "-", '"unterminated', "\\"])
      await a.get("/api/call-logs").query({ q }).expect(200);
    // Bytes PostgreSQL text cannot hold are bad input, not a 500.
    for (const raw of ["%00", "refund%00", "%FF%FE", "%ED%A0%80"]) {
      const res = await a.get(`/api/call-logs?q=${raw}`);
      expect([200, 400], raw).toContain(res.status);
    }
  });

  it("combines filters", async () => {
    expect(
      await listIds(a, {
        agentId: alpha.id,
        success: "true",
        minDuration: 100,
        q: "parcel",
        from: "2026-11-05",
        to: "2026-11-05",
      }),
    ).toEqual(idsOf("c6"));
    expect(await listIds(a, { agentId: alpha.id, success: "false", from: "2026-11-02" })).toEqual([]);
    expect(await listIds(a, { agentId: beta.id, status: "done", maxDuration: 600 })).toEqual(idsOf("c3"));
  });

  it("answers 400 with fields for invalid query parameters", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ limit: "0" }, "limit"],
      [{ limit: "101" }, "limit"],
      [{ limit: "ten" }, "limit"],
      [{ status: "bogus" }, "status"],
      [{ success: "maybe" }, "success"],
      [{ agentId: "not-a-uuid" }, "agentId"],
      [{ from: "2026-13-45" }, "from"],
      [{ from: "2026-02-30" }, "from"],
      [{ to: "yesterday-ish" }, "to"],
      [{ from: "2026-11-01T10:00:00" }, "from"], // no offset: ambiguous
      [{ from: "Nov 1 2026" }, "from"],
      [{ from: "0000-01-01" }, "from"],
      [{ minDuration: "-1" }, "minDuration"],
      [{ minDuration: "10", maxDuration: "5" }, "minDuration"],
      [{ from: "2026-11-05", to: "2026-11-01" }, "from"],
      [{ tz: "Mars/Olympus_Mons" }, "tz"],
      [{ tz: "+05:00" }, "tz"],
      [{ q: "x".repeat(201) }, "q"],
    ];
    // A date that is malformed, not real or outside 1970-2100 is invalid_date (DESIGN §12); the rest invalid_input.
    const badDates = new Set(["2026-13-45", "2026-02-30", "yesterday-ish", "2026-11-01T10:00:00", "Nov 1 2026", "0000-01-01", "1969-12-31", "2101-01-01T00:00:00Z"]);
    cases.push([{ from: "1969-12-31" }, "from"], [{ to: "2101-01-01T00:00:00Z" }, "to"]);
    for (const [query, field] of cases) {
      const res = await a.get("/api/call-logs").query(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      const expected = Object.values(query).some((v) => badDates.has(v)) ? "invalid_date" : "invalid_input";
      expect(res.body.error.code, JSON.stringify(query)).toBe(expected);
      expect(Object.keys(res.body.error.fields), JSON.stringify(query)).toContain(field);
    }
  });

  it("refuses a malformed cursor with 400, never 500", async () => {
    const bad = [
      "garbage!!",
      Buffer.from("not json").toString("base64url"),
      Buffer.from(JSON.stringify({ a: 1 })).toString("base64url"),
      Buffer.from(JSON.stringify(["2026-11-01T00:00:00Z", "not-a-uuid"])).toString("base64url"),
      Buffer.from(JSON.stringify(["yesterday", randomUUID()])).toString("base64url"),
      Buffer.from(JSON.stringify([42, randomUUID()])).toString("base64url"),
    ];
    for (const cursor of bad) {
      const res = await a.get("/api/call-logs").query({ cursor });
      expect(res.status, cursor).toBe(400);
      expect(res.body.error.fields.cursor).toBeDefined();
    }
  });

  it("requires a session", async () => {
    await request(t.app).get("/api/call-logs").expect(401);
    await request(t.app)
      .get(`/api/call-logs/${byKey("c1").id}`)
      .expect(401);
    await request(t.app).get("/api/call-logs/export.csv").expect(401);
  });

  it("lets viewers read calls", async () => {
    const viewer = await signInWithRole(t.app, t.deps.db, orgA, "viewer");
    expect(await listIds(viewer, {})).toHaveLength(FIXTURE.length);
  });
});

describe("keyset pagination", () => {
  it("walks every call exactly once, newest first, across ties and calls without a start time", async () => {
    const { agent, user } = await signUp(t.app);
    const org = user.organization.id;
    const tie = at("2026-10-10T10:10:10Z");
    const input: CallFactoryInput[] = [];
    for (let i = 0; i < 23; i++) input.push({ startedAt: tie }); // one instant shared by many calls
    for (let i = 0; i < 30; i++) input.push({ startedAt: new Date(tie.getTime() - (i % 7) * 60_000 + 1) });
    for (let i = 0; i < 4; i++) input.push({ startedAt: null }); // not started yet: listed last
    input.push({ startedAt: "2026-10-10T10:10:10.123456Z" }); // microseconds survive the cursor
    const rows = await insertCalls(t.deps.db, org, input);
    const seen: string[] = [];
    const startedAts: Array<string | null> = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await agent
        .get("/api/call-logs")
        .query({ limit: 7, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(res.body.data.length).toBeLessThanOrEqual(7);
      seen.push(...res.body.data.map((c: { id: string }) => c.id));
      startedAts.push(...res.body.data.map((c: { startedAt: string | null }) => c.startedAt));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    expect(seen).toHaveLength(rows.length);
    expect(new Set(seen).size).toBe(rows.length);
    expect(new Set(seen)).toEqual(new Set(rows.map((r) => r.id)));
    expect(pages).toBe(Math.ceil(rows.length / 7));
    // Order: non-null start times descending, then the nulls.
    const nonNull = startedAts.filter((s): s is string => s !== null);
    expect(startedAts.slice(nonNull.length).every((s) => s === null)).toBe(true);
    for (let i = 1; i < nonNull.length; i++)
      expect(Date.parse(nonNull[i - 1])).toBeGreaterThanOrEqual(Date.parse(nonNull[i]));
  });

  it("lists calls without a start time on the first page when it has room, after the others, and pages on from them", async () => {
    const { agent, user } = await signUp(t.app);
    const started = await insertCalls(t.deps.db, user.organization.id, [
      { startedAt: at("2026-10-10T10:00:00Z") },
      { startedAt: at("2026-10-11T10:00:00Z") },
      { startedAt: at("2026-10-12T10:00:00Z") },
    ]);
    const unstarted = await insertCalls(t.deps.db, user.organization.id, [{ startedAt: null }, { startedAt: null }]);
    const byIdDesc = unstarted.map((r) => r.id).sort().reverse();

    const whole = await agent.get("/api/call-logs").query({ limit: 10 }).expect(200);
    expect(whole.body.data.map((c: { id: string }) => c.id)).toEqual([...started.map((r) => r.id).reverse(), ...byIdDesc]);
    expect(whole.body.nextCursor).toBeNull();

    const first = await agent.get("/api/call-logs").query({ limit: 4 }).expect(200);
    expect(first.body.data.map((c: { id: string }) => c.id)).toEqual([...started.map((r) => r.id).reverse(), byIdDesc[0]]);
    const second = await agent.get("/api/call-logs").query({ limit: 4, cursor: first.body.nextCursor }).expect(200);
    expect(second.body.data.map((c: { id: string }) => c.id)).toEqual([byIdDesc[1]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("paginates filtered lists too, and the last full page has no next cursor", async () => {
    const { agent, user } = await signUp(t.app);
    const org = user.organization.id;
    await insertCalls(
      t.deps.db,
      org,
      Array.from(
        { length: 20 },
        (_, i) =>
          ({
            startedAt: new Date(Date.UTC(2026, 9, 1 + (i % 5))),
            callSuccessful: i % 2 ? "success" : "failure",
          }) as const,
      ),
    );
    const first = await agent.get("/api/call-logs").query({ success: "true", limit: 5 }).expect(200);
    expect(first.body.data).toHaveLength(5);
    const second = await agent
      .get("/api/call-logs")
      .query({ success: "true", limit: 5, cursor: first.body.nextCursor })
      .expect(200);
    expect(second.body.data).toHaveLength(5);
    expect(second.body.nextCursor).toBeNull();
    const all = [...first.body.data, ...second.body.data];
    expect(new Set(all.map((c: { id: string }) => c.id)).size).toBe(10);
    expect(all.every((c: { callSuccessful: string }) => c.callSuccessful === "success")).toBe(true);
  });

  it("caps the page size at 100", async () => {
    const { agent, user } = await signUp(t.app);
    await insertCalls(
      t.deps.db,
      user.organization.id,
      Array.from({ length: 130 }, (_, i) => ({ startedAt: new Date(Date.UTC(2026, 0, 1, 0, i)) })),
    );
    const res = await agent.get("/api/call-logs").query({ limit: 100 }).expect(200);
    expect(res.body.data).toHaveLength(100);
    expect(res.body.nextCursor).toEqual(expect.any(String));
    const dflt = await agent.get("/api/call-logs").expect(200);
    expect(dflt.body.data).toHaveLength(25);
  });
});

describe("GET /api/call-logs/:id", () => {
  it("returns the transcript, analysis, metadata and termination reason", async () => {
    const call = await insertCall(t.deps.db, orgA, {
      agent: alpha,
      startedAt: at("2026-11-06T10:00:00Z"),
      summaryTitle: "Order status",
      summary: "Asked where the order is",
      transcript: [
        { role: "agent", message: "Hi!", timeInCallSecs: 0 },
        { role: "user", message: null, timeInCallSecs: 2 },
      ],
      analysis: { call_successful: "success", evaluation_criteria_results: { solved: { result: "success" } } },
      metadata: { phone_call: { direction: "inbound" } },
      terminationReason: "end_call tool",
      costCredits: 123.45,
      hasAudio: true,
    });
    const res = await a.get(`/api/call-logs/${call.id}`).expect(200);
    expect(res.body).toMatchObject({
      id: call.id,
      agentName: "Alpha Support",
      summaryTitle: "Order status",
      summary: "Asked where the order is",
      transcript: [
        { role: "agent", message: "Hi!", timeInCallSecs: 0 },
        { role: "user", message: null, timeInCallSecs: 2 },
      ],
      analysis: { call_successful: "success", evaluation_criteria_results: { solved: { result: "success" } } },
      metadata: { phone_call: { direction: "inbound" } },
      terminationReason: "end_call tool",
      costCredits: 123.45,
      hasAudio: true,
    });
    await t.deps.db.execute(sql`delete from call_logs where id = ${call.id}`);
  });

  it("answers 404 for an unknown, malformed or foreign id", async () => {
    await a.get(`/api/call-logs/${randomUUID()}`).expect(404);
    await a.get("/api/call-logs/not-a-uuid").expect(404);
    const res = await b.get(`/api/call-logs/${byKey("c1").id}`).expect(404);
    expect(res.body.error.code).toBe("not_found");
  });
});

describe("another organization", () => {
  it("never sees A's calls in lists, filters, search, cursors or details", async () => {
    const list = await b.get("/api/call-logs").expect(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0].summaryTitle).toBeNull();
    expect(list.body.data.map((c: { id: string }) => c.id)).not.toEqual(expect.arrayContaining([byKey("c1").id]));
    expect((await b.get("/api/call-logs").query({ agentId: alpha.id }).expect(200)).body.data).toEqual([]);
    expect((await b.get("/api/call-logs").query({ q: "parcel" }).expect(200)).body.data).toHaveLength(1);
    // A cursor pointing into A's data only moves B's own keyset.
    const cursor = encodeCursor({ startedAt: "2030-01-01T00:00:00.000000Z", id: byKey("c6").id });
    const paged = await b.get("/api/call-logs").query({ cursor }).expect(200);
    expect(paged.body.data.every((c: { id: string }) => !calls.some((x) => x.id === c.id))).toBe(true);
    for (const call of calls) await b.get(`/api/call-logs/${call.id}`).expect(404);
    // Audio of A's call, stored in the database: B gets 404, A gets the bytes.
    await t.deps.db
      .insert(callAudio)
      .values({ organizationId: orgA, callLogId: byKey("c6").id, bytes: Buffer.from("ID3fake-mp3"), size: 11 });
    await b.get(`/api/call-logs/${byKey("c6").id}/audio`).expect(404);
    await a.get(`/api/call-logs/${byKey("c6").id}/audio`).expect(200);
    const csv = await b.get("/api/call-logs/export.csv").expect(200);
    for (const call of calls) expect(csv.text).not.toContain(call.id);
    expect(orgA).not.toBe(orgB);
  });
});
