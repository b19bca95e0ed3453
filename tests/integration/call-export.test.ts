import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type TestAgent from "supertest/lib/agent";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { insertAgent, insertCalls, type AgentRow } from "../helpers/calls";
import { CSV_HEADER } from "../../server/services/calls/export-call-logs";
import { csvCell } from "../../server/services/calls/csv";

/** A strict RFC 4180 reader, independent of the writer under test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') {
      if (cell !== "") throw new Error(`stray quote at ${i}`);
      quoted = true;
    } else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else if (ch === "\n" || ch === "\r") throw new Error(`bare line break at ${i}`);
    else cell += ch;
  }
  if (quoted) throw new Error("unterminated quote");
  if (cell !== "" || row.length) throw new Error("missing final line break");
  return rows;
}

let t: TestApp;
let a: TestAgent;
let b: TestAgent;
let alpha: AgentRow;

const TRICKY_SUMMARY = 'Said "hello, world", then\nleft; next line\r\nand a, comma';

beforeAll(async () => {
  t = await createTestApp();
  const sa = await signUp(t.app);
  const sb = await signUp(t.app);
  a = sa.agent;
  b = sb.agent;
  alpha = await insertAgent(t.deps.db, sa.user.organization.id, {
    elevenlabsAgentId: "agent_alpha",
    name: 'Alpha, the "best"',
  });
  await insertCalls(t.deps.db, sa.user.organization.id, [
    {
      agent: alpha,
      conversationId: "conv_tricky",
      startedAt: new Date("2026-11-03T10:00:00Z"),
      durationSeconds: 42,
      callSuccessful: "success",
      summaryTitle: '=HYPERLINK("http://evil.example","click")',
      summary: TRICKY_SUMMARY,
      transcript: [
        { role: "agent", message: "Hello, how can I help?", timeInCallSecs: 0 },
        { role: "user", message: '@SUM(1+1) and "quotes"\nover two lines', timeInCallSecs: 2 },
      ],
      costCredits: 12.5,
      hasAudio: true,
    },
    {
      agent: alpha,
      conversationId: "conv_plus",
      startedAt: new Date("2026-11-02T10:00:00Z"),
      summaryTitle: "+1 555 0100",
      callSuccessful: "failure",
    },
    {
      agent: alpha,
      conversationId: "conv_minus",
      startedAt: new Date("2026-11-01T10:00:00Z"),
      summaryTitle: "-2+3",
      callSuccessful: null,
      durationSeconds: null,
    },
    // Enough rows to cross several export batches.
    ...Array.from({ length: 1234 }, (_, i) => ({
      agent: alpha,
      conversationId: `conv_bulk_${i}`,
      startedAt: new Date(Date.UTC(2026, 9, 1, 0, i)),
    })),
  ]);
  await insertCalls(t.deps.db, sb.user.organization.id, [
    { conversationId: "conv_other_org", startedAt: new Date("2026-11-03T10:00:00Z") },
  ]);
});
afterAll(async () => t?.close());

describe("GET /api/call-logs/export.csv", () => {
  it("streams every matching call as an attachment, one row per call", async () => {
    const res = await a.get("/api/call-logs/export.csv").expect(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="calls-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parseCsv(res.text);
    expect(rows[0]).toEqual(CSV_HEADER);
    expect(rows).toHaveLength(1 + 3 + 1234);
    expect(rows.every((r) => r.length === CSV_HEADER.length)).toBe(true);
    const conversations = rows.slice(1).map((r) => r[1]);
    expect(new Set(conversations).size).toBe(1237);
    expect(conversations).not.toContain("conv_other_org");
    expect(conversations.slice(0, 3)).toEqual(["conv_tricky", "conv_plus", "conv_minus"]); // newest first
  });

  it("quotes commas, quotes and line breaks, and defuses formulas", async () => {
    const res = await a.get("/api/call-logs/export.csv").query({ q: "hello" }).expect(200);
    const rows = parseCsv(res.text);
    expect(rows).toHaveLength(2);
    const record = Object.fromEntries(CSV_HEADER.map((h, i) => [h, rows[1][i]]));
    expect(record).toMatchObject({
      conversation_id: "conv_tricky",
      started_at: "2026-11-03T10:00:00.000Z",
      agent_id: alpha.id,
      elevenlabs_agent_id: "agent_alpha",
      agent_name: 'Alpha, the "best"',
      status: "done",
      duration_seconds: "42",
      call_successful: "success",
      cost_credits: "12.5",
      has_audio: "true",
      summary_title: '\'=HYPERLINK("http://evil.example","click")',
      summary: TRICKY_SUMMARY,
      transcript: 'agent: Hello, how can I help?\nuser: @SUM(1+1) and "quotes"\nover two lines',
    });
  });

  it("applies the same filters as the list", async () => {
    const failures = parseCsv((await a.get("/api/call-logs/export.csv").query({ success: "false" }).expect(200)).text);
    expect(failures.slice(1).map((r) => r[1])).toEqual(["conv_plus"]);
    expect(failures[1][CSV_HEADER.indexOf("summary_title")]).toBe("'+1 555 0100");
    const day = parseCsv(
      (await a.get("/api/call-logs/export.csv").query({ from: "2026-11-01", to: "2026-11-01" }).expect(200)).text,
    );
    expect(day.slice(1).map((r) => r[1])).toEqual(["conv_minus"]);
    expect(day[1][CSV_HEADER.indexOf("summary_title")]).toBe("'-2+3");
    expect(day[1][CSV_HEADER.indexOf("duration_seconds")]).toBe("");
    const hour = { from: "2026-10-01T01:00:00Z", to: "2026-10-01T02:00:00Z" };
    const list = await a
      .get("/api/call-logs")
      .query({ ...hour, limit: 100 })
      .expect(200);
    expect(list.body.data).toHaveLength(60);
    const csvHour = parseCsv((await a.get("/api/call-logs/export.csv").query(hour).expect(200)).text);
    expect(csvHour.slice(1).map((r) => r[0])).toEqual(list.body.data.map((c: { id: string }) => c.id));
  });

  it("refuses bad filters with a JSON 400 before streaming", async () => {
    const res = await a.get("/api/call-logs/export.csv").query({ status: "nope" }).expect(400);
    expect(res.body.error.code).toBe("invalid_input");
    expect(Object.keys(res.body.error.fields)).toEqual(expect.arrayContaining(["status"]));
    const date = await a.get("/api/call-logs/export.csv").query({ from: "2026-99-01" }).expect(400);
    expect(date.body.error.code).toBe("invalid_date");
    const tz = await a.get("/api/call-logs/export.csv").query({ tz: "Not/AZone" }).expect(400);
    expect(tz.body.error.fields.tz).toBeDefined();
  });

  it("gives another organization only its own calls", async () => {
    const rows = parseCsv((await b.get("/api/call-logs/export.csv").expect(200)).text);
    expect(rows.slice(1).map((r) => r[1])).toEqual(["conv_other_org"]);
  });
});

describe("csvCell", () => {
  it("leaves plain text and numbers alone and guards every formula prefix", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(null)).toBe("");
    for (const prefix of ["=", "+", "-", "@", "\t", "\r"])
      expect(csvCell(`${prefix}1`).replace(/^"/, "")).toMatch(/^'/);
  });
});
