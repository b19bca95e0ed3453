/**
 * The full call record (DESIGN.md §9): a webhook carrying every field of ELEVENLABS.md "More facts" round-trips into
 * GET /api/call-logs/:id and the History list; a sync-only call of the same content reads the same; phone numbers are
 * masked for viewers (fields, raw metadata, CSV); the §9 filters, /count and search snippets.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type TestAgent from "supertest/lib/agent";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { project } from "../helpers/inbox";
import { signInWithRole } from "../helpers/calls";
import { deliver, transcriptionEvent } from "../helpers/webhooks";
import { FakeElevenLabs, type FakeConversation } from "../fake-elevenlabs/server";
import { syncAgent } from "../../server/services/sync/sync-agent";
import type { CallLogDetail, CallLogSummary } from "@shared/schemas";

const KEY = "sk_test_call_record_1";
const SECRET = "whsec_call_record";
const AGENT = "agent_full_record";
const fake = new FakeElevenLabs();
let t: TestApp;
let owner: TestAgent;
let viewer: TestAgent;
let org: string;
let agentId: string;
let hookPath: string;
const START = 1_763_900_000;

/** A conversation with every field ElevenLabs documents. */
function fullConversation(conversationId: string, overrides: Partial<{ direction: string; external: string; language: string; version: string; rating: number | null; toolError: boolean; resolved: string; reason: string; start: number }> = {}): FakeConversation {
  const o = { direction: "inbound", external: "+441234560123", language: "de", version: "agtvrsn_7", rating: 4, toolError: true, resolved: "failure", reason: "Client disconnected", start: START, ...overrides };
  return {
    agent_id: AGENT,
    conversation_id: conversationId,
    status: "done",
    user_id: "user_77",
    version_id: o.version,
    branch_id: "agtbrch_main",
    transcript: [
      {
        role: "agent", message: "Guten Tag, wie kann ich helfen?", time_in_call_secs: 0, tool_calls: [], tool_results: [], feedback: null, interrupted: false,
        llm_usage: { model_usage: { "gpt-4o": { input: { tokens: 120 }, output_total: { tokens: 9 } } } },
        conversation_turn_metrics: { metrics: { convai_llm_service_ttfb: { elapsed_time: 0.412 }, convai_llm_service_ttf_sentence: { elapsed_time: 0.733 }, convai_tts_service_ttfb: { elapsed_time: 0.201 } } },
        agent_metadata: { agent_id: AGENT, branch_id: "agtbrch_main", version_id: o.version, workflow_node_id: null },
      },
      { role: "user", message: "Wo ist meine Bestellung A-1042? Meine Nummer ist +441234560123.", time_in_call_secs: 3, conversation_turn_metrics: { metrics: { convai_asr_trailing_service_latency: { elapsed_time: 0.118 } } } },
      {
        role: "agent", message: null, time_in_call_secs: 5, interrupted: false,
        tool_calls: [{ request_id: "req_1", tool_name: "lookup_order", params_as_json: "{\"order_id\":\"A-1042\"}", tool_has_been_called: true, type: "webhook" }],
        tool_results: [], conversation_turn_metrics: { metrics: { convai_llm_service_ttfb: { elapsed_time: 1.9 }, convai_tts_service_ttfb: { elapsed_time: 0.25 } } },
      },
      {
        role: "agent", message: "Das System antwortet leider nicht.", time_in_call_secs: 9, interrupted: true, tool_calls: [],
        tool_results: [{ request_id: "req_1", tool_name: "lookup_order", result_value: "{\"error\":\"timeout\"}", is_error: o.toolError, tool_latency_secs: 3.25, type: "webhook" }],
        conversation_turn_metrics: { metrics: { convai_llm_service_ttfb: { elapsed_time: 0.5 }, convai_tts_service_ttfb: { elapsed_time: 0.3 } } },
      },
    ],
    metadata: {
      start_time_unix_secs: o.start,
      call_duration_secs: 64,
      cost: 612,
      termination_reason: o.reason,
      error: null,
      charging: { call_charge: 540, llm_charge: 72, llm_price: 0.0288, llm_usage: null },
      phone_call: { type: "twilio", direction: o.direction, agent_number: "+14155550100", external_number: o.external, call_sid: "CA0123" },
      feedback: { overall_score: null, likes: 1, dislikes: 0, rating: o.rating, comment: "Langsam, aber freundlich." },
      main_language: o.language,
      batch_call: null,
      conversation_initiation_source: "twilio",
      some_future_field: { kept: true },
    },
    analysis: {
      call_successful: "failure",
      transcript_summary: "The caller asked about order A-1042; the lookup tool timed out.",
      call_summary_title: "Order lookup failed",
      evaluation_criteria_results: {
        resolved: { criteria_id: "resolved", result: o.resolved, rationale: "The order was not found." },
        polite: { criteria_id: "polite", result: "success", rationale: "Friendly." },
        verified: { criteria_id: "verified", result: "unknown", rationale: "Not asked." },
      },
      data_collection_results: { order_id: { data_collection_id: "order_id", value: "A-1042", rationale: "Stated." } },
    },
    has_audio: false,
    has_user_audio: false,
    has_response_audio: false,
  };
}

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY);
  fake.addAgent(KEY, AGENT, "Full record agent");
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url } });
  const s = await signUp(t.app);
  owner = s.agent;
  org = s.user.organization.id;
  const res = await owner.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY, webhookSecret: SECRET }).expect(200);
  hookPath = new URL(res.body.webhook.url).pathname;
  agentId = (await owner.post("/api/agents").send({ elevenLabsAgentId: AGENT }).expect(201)).body.id;
  viewer = await signInWithRole(t.app, t.deps.db, org, "viewer");
  await deliver(t.app, hookPath, transcriptionEvent(fullConversation("conv_full_webhook")), SECRET).expect(200);
  const others = [
    fullConversation("conv_other_1", { direction: "outbound", external: "+4915112345678", language: "en", version: "agtvrsn_8", rating: 2, toolError: false, resolved: "success", reason: "end_call tool was called", start: START + 60 }),
    fullConversation("conv_other_2", { direction: "inbound", external: "+14155550199", language: "en", version: "agtvrsn_8", rating: null, toolError: false, resolved: "success", reason: "end_call tool was called", start: START + 120 }),
  ];
  for (const c of others) await deliver(t.app, hookPath, transcriptionEvent(c), SECRET).expect(200);
  await project(t);
});
afterAll(async () => {
  await t?.close();
  await fake.stop();
});

async function callId(conversationId: string): Promise<string> {
  const { body } = await owner.get("/api/call-logs").query({ limit: 100 }).expect(200);
  return (body.data as CallLogSummary[]).find((c) => c.conversationId === conversationId)!.id;
}

describe("the full call record", () => {
  it("a webhook carrying every field round-trips into the call's detail and the History row", async () => {
    const id = await callId("conv_full_webhook");
    const { body } = await owner.get(`/api/call-logs/${id}`).expect(200);
    const call = body as CallLogDetail;
    expect(call).toMatchObject({
      direction: "inbound",
      agentNumber: "+14155550100",
      externalNumber: "+441234560123",
      language: "de",
      feedback: { rating: 4, comment: "Langsam, aber freundlich." },
      charging: { callCredits: 540, llmCredits: 72, llmPrice: 0.0288 },
      versionId: "agtvrsn_7",
      branchId: "agtbrch_main",
      terminationReason: "Client disconnected",
      criteria: { passed: 1, failed: 1, total: 3 },
      rating: 4,
      hasToolError: true,
      costCredits: 612,
      // Medians over the turns that have the metric: LLM 412, 1900, 500 ms; TTS 201, 250, 300 ms.
      latency: { llmTtfbMsP50: 500, ttsTtfbMsP50: 250 },
    });
    expect(call.transcript).toHaveLength(4);
    expect(call.transcript[0]).toEqual({
      role: "agent",
      message: "Guten Tag, wie kann ich helfen?",
      timeInCallSecs: 0,
      interrupted: false,
      toolCalls: [],
      toolResults: [],
      metrics: { llmTtfbMs: 412, llmTtfSentenceMs: 733, ttsTtfbMs: 201, asrLatencyMs: null },
      llmUsage: { model_usage: { "gpt-4o": { input: { tokens: 120 }, output_total: { tokens: 9 } } } },
    });
    expect(call.transcript[1].metrics.asrLatencyMs).toBe(118);
    expect(call.transcript[2].toolCalls).toEqual([{ name: "lookup_order", params: { order_id: "A-1042" } }]);
    expect(call.transcript[3]).toMatchObject({
      interrupted: true,
      toolResults: [{ name: "lookup_order", result: '{"error":"timeout"}', isError: true, latencyMs: 3250 }],
    });
    // Unknown fields stay in the raw metadata.
    expect(call.metadata).toMatchObject({ some_future_field: { kept: true } });

    const { body: list } = await owner.get("/api/call-logs").query({ q: "" }).expect(200);
    const row = (list.data as CallLogSummary[]).find((c) => c.id === id)!;
    expect(row).toMatchObject({
      terminationReason: "Client disconnected",
      direction: "inbound",
      externalNumber: "+441234560123",
      criteria: { passed: 1, failed: 1, total: 3 },
      rating: 4,
      hasToolError: true,
      snippet: null,
    });
  });

  it("a sync-only call of the same content reads the same", async () => {
    fake.addConversation(KEY, fullConversation("conv_full_sync", { start: START - 600 }));
    await syncAgent(t.deps, { organizationId: org, agentId, mode: "backfill" });
    await project(t);
    const [webhookCall, syncCall] = await Promise.all(
      ["conv_full_webhook", "conv_full_sync"].map(async (c) => (await owner.get(`/api/call-logs/${await callId(c)}`).expect(200)).body as CallLogDetail),
    );
    const comparable = (c: CallLogDetail) => {
      const { id: _id, conversationId: _c, startedAt: _s, metadata, ...rest } = c;
      const { start_time_unix_secs: _t, ...meta } = metadata as Record<string, unknown>;
      return { ...rest, metadata: meta };
    };
    expect(comparable(syncCall)).toEqual(comparable(webhookCall));
  });

  it("masks phone numbers for viewers: fields, raw metadata, CSV", async () => {
    const id = await callId("conv_full_webhook");
    const { body } = await viewer.get(`/api/call-logs/${id}`).expect(200);
    expect(body.externalNumber).toBe("+44••••••0123");
    expect(body.agentNumber).toBe("+1••••••0100");
    expect(body.metadata.phone_call).toMatchObject({ agent_number: "+1••••••0100", external_number: "+44••••••0123", call_sid: "CA0123" });
    const { body: list } = await viewer.get("/api/call-logs").expect(200);
    expect((list.data as CallLogSummary[]).map((c) => c.externalNumber)).toContain("+49•••••••5678");
    const csv = (await viewer.get("/api/call-logs/export.csv").expect(200)).text;
    expect(csv).toContain("+44••••••0123");
    expect(csv).not.toContain("+441234560123");
    expect(csv).not.toContain("4155550100");
    // Everyone else reads them whole; a viewer may still filter by a number they know.
    expect((await owner.get("/api/call-logs/export.csv").expect(200)).text).toContain("+441234560123");
    expect((await viewer.get("/api/call-logs/count").query({ phone: "+4915112345678" }).expect(200)).body).toEqual({ count: 1 });

    // The organization can turn masking off (DESIGN.md §11 maskPhoneNumbers); then viewers read them whole too.
    await owner.patch("/api/organization").send({ maskPhoneNumbers: false }).expect(200);
    expect((await viewer.get(`/api/call-logs/${id}`).expect(200)).body.externalNumber).toBe("+441234560123");
    expect((await viewer.get("/api/call-logs/export.csv").expect(200)).text).toContain("+441234560123");
    await owner.patch("/api/organization").send({ maskPhoneNumbers: true }).expect(200);
    expect((await viewer.get(`/api/call-logs/${id}`).expect(200)).body.externalNumber).toBe("+44••••••0123");
  });

  it("exports the new fields, criteria results and data-collection values as CSV columns", async () => {
    const csv = (await owner.get("/api/call-logs/export.csv").expect(200)).text;
    const [header, ...lines] = csv.trim().split("\r\n");
    const columns = header.split(",");
    for (const c of ["direction", "external_number", "language", "rating", "feedback_comment", "version_id", "call_credits", "llm_credits", "llm_ttfb_p50_ms", "has_tool_error", "criteria_total", "criterion:resolved", "criterion:verified", "data:order_id"])
      expect(columns).toContain(c);
    expect(lines.length).toBeGreaterThanOrEqual(3);
  });

  it("filters by every §9 filter, with an exact count", async () => {
    const cases: Array<[Record<string, string>, string[]]> = [
      [{ terminationReason: "Client disconnected" }, ["conv_full_webhook"]],
      [{ language: "de" }, ["conv_full_webhook"]],
      [{ direction: "outbound" }, ["conv_other_1"]],
      [{ versionId: "agtvrsn_8" }, ["conv_other_1", "conv_other_2"]],
      [{ toolError: "true" }, ["conv_full_webhook"]],
      [{ minRating: "3" }, ["conv_full_webhook"]],
      [{ minRating: "2" }, ["conv_full_webhook", "conv_other_1"]],
      [{ criterion: "resolved:success" }, ["conv_other_1", "conv_other_2"]],
      [{ criterion: "resolved:failure" }, ["conv_full_webhook"]],
      [{ phone: "+4915112345678" }, ["conv_other_1"]],
      // "+" sent unencoded in a query string arrives as a space.
      [{ phone: " 4915112345678" }, ["conv_other_1"]],
      [{ direction: "inbound", language: "en" }, ["conv_other_2"]],
    ];
    for (const [query, expected] of cases) {
      const { body } = await owner.get("/api/call-logs").query(query).expect(200);
      const got = (body.data as CallLogSummary[]).map((c) => c.conversationId).filter((c) => c !== "conv_full_sync");
      expect(got.sort(), JSON.stringify(query)).toEqual(expected);
      const count = (await owner.get("/api/call-logs/count").query(query).expect(200)).body.count;
      expect(count, JSON.stringify(query)).toBe((body.data as CallLogSummary[]).length);
      const csv = (await owner.get("/api/call-logs/export.csv").query(query).expect(200)).text.trim().split("\r\n");
      expect(csv.length - 1, JSON.stringify(query)).toBe(count);
    }
    expect((await owner.get("/api/call-logs/count").expect(200)).body.count).toBeGreaterThanOrEqual(3);
  });

  it("refuses malformed filters with 400", async () => {
    for (const query of [{ phone: "12ab" }, { minRating: "6" }, { criterion: "resolved" }, { criterion: "resolved:maybe" }, { direction: "sideways" }, { toolError: "false" }]) {
      const res = await owner.get("/api/call-logs").query(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect((await owner.get("/api/call-logs/count").query(query)).status).toBe(400);
    }
  });

  it("marks where a search matched (ts_headline)", async () => {
    const { body } = await owner.get("/api/call-logs").query({ q: "timed out" }).expect(200);
    const row = (body.data as CallLogSummary[]).find((c) => c.conversationId === "conv_full_webhook")!;
    expect(row.snippet).not.toBeNull();
    const matched = row.snippet!.filter((p) => p.match).map((p) => p.text.toLowerCase());
    expect(matched.some((m) => m.startsWith("time"))).toBe(true);
    expect(row.snippet!.map((p) => p.text).join("")).not.toContain("\u2039");
    expect((await owner.get("/api/call-logs/count").query({ q: "timed out" }).expect(200)).body.count).toBe(body.data.length);
  });

  it("another organization sees none of it", async () => {
    const other = await signUp(t.app);
    const id = await callId("conv_full_webhook");
    await other.agent.get(`/api/call-logs/${id}`).expect(404);
    expect((await other.agent.get("/api/call-logs/count").expect(200)).body).toEqual({ count: 0 });
    expect((await other.agent.get("/api/call-logs/count").query({ phone: "+441234560123" }).expect(200)).body).toEqual({ count: 0 });
  });
});
