/**
 * Alerts end to end: real webhook deliveries drive a failure-rate rule; a Slack-like receiver, a Standard Webhooks
 * receiver (verifying signatures with the reference library) and a fake SMTP server each get exactly one firing and
 * one resolution; a restart (a new app on the same database) while firing notifies nobody again; a crash between the
 * state change and the sending resumes the pending deliveries once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../server/app";
import { evaluateAlerts } from "../../server/jobs/alert-jobs";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { startFakeSmtp } from "../helpers/fake-smtp";
import { joinAs } from "../helpers/team";
import { deliver, failureEvent, transcriptionEvent } from "../helpers/webhooks";
import { startSlackReceiver, startStandardWebhooksReceiver, type Receiver } from "../helpers/alert-receivers";
import { FakeElevenLabs, makeConversation } from "../fake-elevenlabs/server";
import { project } from "../helpers/inbox";

const KEY = "sk_test_alerts_key_4821";
const SECRET = "whsec_alerts_ingest_77";
const EL_AGENT = "agent_alerts_main";
const EL_QUALITY_AGENT = "agent_alerts_quality";

const fake = new FakeElevenLabs();
let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
let slack: Receiver;
let hooks: Awaited<ReturnType<typeof startStandardWebhooksReceiver>>;
let t: TestApp;
let owner: Awaited<ReturnType<typeof signUp>>;
let webhookPath: string;
let webhookUrl: string;
let agentId: string;
let channelIds: string[];
let conversationSeq = 0;

const evaluate = () => evaluateAlerts(t.deps, { minGapSeconds: 0 });

async function callsNow(result: "success" | "failure", n: number) {
  for (let i = 0; i < n; i++) {
    const c = makeConversation(EL_AGENT, { conversation_id: `conv_alert_${++conversationSeq}`, startUnix: Math.floor(Date.now() / 1000) - 120, success: result });
    await deliver(t.app, webhookPath, transcriptionEvent(c), SECRET).expect(200);
  }
  await project(t);
}

const emailsWith = (text: string) => smtp.messages.filter((m) => m.data.includes(text));

beforeAll(async () => {
  smtp = await startFakeSmtp();
  slack = await startSlackReceiver();
  hooks = await startStandardWebhooksReceiver();
  await fake.start();
  fake.addWorkspace(KEY);
  fake.addAgent(KEY, EL_AGENT, "Support line");
  fake.addAgent(KEY, EL_QUALITY_AGENT, "Booking line");
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url, SMTP_URL: smtp.url, ALLOW_PRIVATE_TARGETS: "true" } });
  owner = await signUp(t.app, { organizationName: "Alerting Org" });
  const integration = await owner.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY, webhookSecret: SECRET }).expect(200);
  webhookUrl = integration.body.webhook.url as string;
  webhookPath = new URL(webhookUrl).pathname;
  agentId = (await owner.agent.post("/api/agents").send({ elevenLabsAgentId: EL_AGENT }).expect(201)).body.id as string;

  const s = await owner.agent.post("/api/alerts/channels").send({ type: "slack", name: "On-call Slack", target: slack.url }).expect(201);
  const w = await owner.agent.post("/api/alerts/channels").send({ type: "webhook", name: "Pager bridge", target: hooks.url }).expect(201);
  expect(w.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
  hooks.secret = w.body.secret as string;
  const e = await owner.agent.post("/api/alerts/channels").send({ type: "email", name: "Ops mail", target: "ops@example.com, lead@example.com" }).expect(201);
  channelIds = [s.body.id, w.body.id, e.body.id];
});
afterAll(async () => {
  await t?.close();
  await Promise.all([smtp?.stop(), slack?.stop(), hooks?.stop(), fake.stop()]);
});

describe("alert channels", () => {
  it("keeps targets secret: hints only, encrypted at rest, secret shown once", async () => {
    const list = await owner.agent.get("/api/alerts/channels").expect(200);
    expect(list.body.data).toHaveLength(3);
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(slack.url);
    expect(text).not.toContain("ops@example.com");
    expect(text).not.toContain("whsec_");
    expect(list.body.data[0].targetHint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/….{4}$/);
    const { rows } = await t.deps.db.execute<{ encrypted_target: string; encrypted_secret: string | null }>(
      "select encrypted_target, encrypted_secret from alert_channels" as never,
    );
    for (const r of rows) {
      expect(r.encrypted_target).toMatch(/^v1\./);
      expect(r.encrypted_target).not.toContain("127.0.0.1");
    }
    expect(rows.filter((r) => r.encrypted_secret?.startsWith("v1."))).toHaveLength(1);
  });

  it("sends a test to each channel and records the attempt", async () => {
    for (const id of channelIds) {
      const res = await owner.agent.post(`/api/alerts/channels/${id}/test`).expect(200);
      expect(res.body).toMatchObject({ channelId: id, ok: true, attempts: 1, error: null });
    }
    expect(slack.received.map((m) => m.text)).toEqual([expect.stringContaining("Test notification")]);
    expect(hooks.received).toEqual([expect.objectContaining({ type: "alert.test", organization: expect.objectContaining({ name: "Alerting Org" }) })]);
    expect(hooks.rejected).toBe(0);
    await expect.poll(() => emailsWith("Test notification").length).toBe(1);
    slack.received.length = 0;
    hooks.received.length = 0;
    hooks.ids.length = 0;
  });

  it("audits channel changes and lets only admins and owners manage them", async () => {
    const member = await joinAs(t.app, owner.agent, "member");
    await member.agent.get("/api/alerts/channels").expect(403);
    await member.agent.post("/api/alerts/channels").send({ type: "slack", name: "x", target: slack.url }).expect(403);
    await member.agent.get("/api/alerts/rules").expect(200);
    const audit = await owner.agent.get("/api/team/audit-log").expect(200);
    const actions = (audit.body.data as Array<{ action: string }>).map((a) => a.action);
    expect(actions.filter((a) => a === "alert_channel.created")).toHaveLength(3);
    expect(actions.filter((a) => a === "alert_channel.tested")).toHaveLength(3);
  });
});

describe("a failure-rate rule driven by real webhook deliveries", () => {
  let ruleId: string;

  it("previews the metric live and saves the rule", async () => {
    await callsNow("success", 2);
    const preview = await owner.agent
      .post("/api/alerts/rules/preview")
      .send({ metric: "failure_rate", agentId, windowMinutes: 60 })
      .expect(200);
    expect(preview.body).toEqual({ value: 0, calls: 2 });
    const rule = await owner.agent
      .post("/api/alerts/rules")
      .send({ name: "Support failures", metric: "failure_rate", agentId, windowMinutes: 60, comparator: "above", threshold: 0.2, minCalls: 10, channelIds })
      .expect(201);
    ruleId = rule.body.id as string;
    expect(rule.body).toMatchObject({ state: "ok", enabled: true, minCalls: 10, lastFiredAt: null });
  });

  it("keeps quiet below minCalls, then fires exactly once", async () => {
    await callsNow("failure", 4); // 4/6 failed but only 6 calls
    expect((await evaluate()).fired).toBe(0);
    await callsNow("failure", 4); // 8/10 failed, 10 calls
    const first = await evaluate();
    expect(first).toMatchObject({ fired: 1, resolved: 0, delivered: 3 });
    for (let i = 0; i < 3; i++) expect((await evaluate()).fired).toBe(0); // never repeats while firing
    expect(slack.received).toHaveLength(1);
    expect(String(slack.received[0].text)).toContain("Firing: Support failures");
    expect(hooks.received).toEqual([
      expect.objectContaining({ type: "alert.firing", value: 0.8, threshold: 0.2, rule: expect.objectContaining({ id: ruleId, metric: "failure_rate" }) }),
    ]);
    expect(hooks.rejected).toBe(0);
    await expect.poll(() => emailsWith("[Firing] Support failures").length).toBe(1);
    const rules = await owner.agent.get("/api/alerts/rules").expect(200);
    expect(rules.body.data[0]).toMatchObject({ id: ruleId, state: "firing", lastValue: 0.8 });
  });

  it("does not notify again after a restart while firing", async () => {
    const restarted = { ...t.deps, log: t.deps.log.child({ instance: "restarted" }) };
    await createApp(restarted);
    const again = await evaluateAlerts(restarted, { minGapSeconds: 0 });
    expect(again).toMatchObject({ evaluated: 1, fired: 0, resolved: 0, delivered: 0 });
    expect(slack.received).toHaveLength(1);
    expect(hooks.received).toHaveLength(1);
  });

  it("resolves exactly once when the rate drops back", async () => {
    await callsNow("success", 40); // 8/50 = 16 %
    expect(await evaluate()).toMatchObject({ fired: 0, resolved: 1, delivered: 3 });
    expect((await evaluate()).resolved).toBe(0);
    expect(slack.received.map((m) => String(m.text).split(":")[1]?.trim().slice(0, 8))).toHaveLength(2);
    expect(String(slack.received[1].text)).toContain("Resolved: Support failures");
    expect(hooks.received.map((m) => m.type)).toEqual(["alert.firing", "alert.resolved"]);
    expect(new Set(hooks.ids).size).toBe(2);
    await expect.poll(() => emailsWith("[Resolved] Support failures").length).toBe(1);
  });

  it("lists the history with each delivery's outcome", async () => {
    const events = await owner.agent.get("/api/alerts/events").expect(200);
    expect(events.body.data.map((e: { state: string }) => e.state)).toEqual(["resolved", "firing"]);
    const firing = events.body.data[1];
    expect(firing).toMatchObject({ ruleId, ruleName: "Support failures", value: 0.8, threshold: 0.2 });
    expect(firing.deliveries).toHaveLength(3);
    for (const d of firing.deliveries) expect(d).toMatchObject({ ok: true, error: null, attempts: 1 });
    const page = await owner.agent.get("/api/alerts/events?limit=1").expect(200);
    expect(page.body.nextCursor).toBeTruthy();
    const next = await owner.agent.get(`/api/alerts/events?limit=1&cursor=${page.body.nextCursor}`).expect(200);
    expect(next.body.data[0].id).toBe(firing.id);
  });

  it("resumes deliveries left pending by a crash, once", async () => {
    await callsNow("failure", 30); // 38/80 failed
    const crashed = await evaluateAlerts(t.deps, { minGapSeconds: 0, deliver: false });
    expect(crashed).toMatchObject({ fired: 1, delivered: 0 });
    expect(slack.received).toHaveLength(2);
    const resumed = await evaluate();
    expect(resumed).toMatchObject({ fired: 0, delivered: 3 });
    expect((await evaluate()).delivered).toBe(0);
    expect(slack.received).toHaveLength(3);
    expect(hooks.received.map((m) => m.type)).toEqual(["alert.firing", "alert.resolved", "alert.firing"]);
  });

  it("counts initiation failures and audits rule changes", async () => {
    await deliver(t.app, webhookPath, failureEvent(EL_AGENT, "conv_alert_initfail", "busy"), SECRET).expect(200);
    await project(t);
    const preview = await owner.agent.post("/api/alerts/rules/preview").send({ metric: "initiation_failures", windowMinutes: 60 }).expect(200);
    expect(preview.body.value).toBeGreaterThanOrEqual(1);
    await owner.agent.patch(`/api/alerts/rules/${ruleId}`).send({ enabled: false }).expect(200);
    const rules = await owner.agent.get("/api/alerts/rules").expect(200);
    expect(rules.body.data[0]).toMatchObject({ enabled: false, state: "ok" });
    await owner.agent.delete(`/api/alerts/rules/${ruleId}`).expect(204);
    const actions = ((await owner.agent.get("/api/team/audit-log").expect(200)).body.data as Array<{ action: string }>).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["alert_rule.created", "alert_rule.disabled", "alert_rule.deleted"]));
  });

  it("refuses bad rules with codes, foreign ids with 404", async () => {
    const bad = await owner.agent.post("/api/alerts/rules").send({ name: "x", metric: "failure_rate", windowMinutes: 2, comparator: "above", threshold: 2 }).expect(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(expect.arrayContaining(["windowMinutes", "threshold"]));
    await owner.agent
      .post("/api/alerts/rules")
      .send({ name: "x", metric: "criterion_failure_rate", windowMinutes: 60, comparator: "above", threshold: 0.5 })
      .expect(400);
    const other = await signUp(t.app);
    await other.agent.post("/api/alerts/rules").send({ name: "x", metric: "call_volume", agentId, windowMinutes: 60, comparator: "below", threshold: 1 }).expect(404);
    await other.agent
      .post("/api/alerts/rules")
      .send({ name: "x", metric: "call_volume", windowMinutes: 60, comparator: "below", threshold: 1, channelIds: [channelIds[0]] })
      .expect(404);
    await other.agent.post(`/api/alerts/channels/${channelIds[0]}/test`).expect(404);
    await other.agent.delete(`/api/alerts/channels/${channelIds[0]}`).expect(404);
    expect((await other.agent.get("/api/alerts/events").expect(200)).body.data).toEqual([]);
  });
});

describe("quality metrics from the call record's pre-aggregates", () => {
  it("previews LLM latency P90, tool error rate and a criterion's failure rate, and fires on latency", async () => {
    const qualityAgent = (await owner.agent.post("/api/agents").send({ elevenLabsAgentId: EL_QUALITY_AGENT }).expect(201)).body.id as string;
    const turn = (ttfbSecs: number, toolError: boolean | null) => ({
      role: "agent",
      message: "Let me check.",
      time_in_call_secs: 3,
      conversation_turn_metrics: { metrics: { convai_llm_service_ttfb: { elapsed_time: ttfbSecs } } },
      ...(toolError === null
        ? {}
        : { tool_results: [{ request_id: "r1", tool_name: "lookup_order", result_value: "{}", is_error: toolError, tool_latency_secs: 0.2, type: "webhook" }] }),
    });
    for (let i = 0; i < 3; i++) {
      const c = makeConversation(EL_QUALITY_AGENT, { conversation_id: `conv_quality_${i}`, startUnix: Math.floor(Date.now() / 1000) - 300 });
      c.transcript = [turn(0.5, false), { role: "user", message: "ok", time_in_call_secs: 4 }, turn(1.5, i === 0 ? true : null)] as never;
      (c.analysis as { evaluation_criteria_results: Record<string, unknown> }).evaluation_criteria_results = {
        resolved: { criteria_id: "resolved", result: i === 0 ? "failure" : "success", rationale: "" },
      };
      await deliver(t.app, webhookPath, transcriptionEvent(c), SECRET).expect(200);
    }
    await project(t);
    const preview = (body: object) => owner.agent.post("/api/alerts/rules/preview").send({ agentId: qualityAgent, windowMinutes: 60, ...body }).expect(200);
    const p90 = (await preview({ metric: "llm_ttfb_p90_ms" })).body;
    expect(p90.calls).toBe(3);
    expect(Math.abs(p90.value - 1500) / 1500).toBeLessThanOrEqual(0.05);
    expect((await preview({ metric: "tool_error_rate" })).body).toEqual({ value: 0.25, calls: 3 });
    const crit = (await preview({ metric: "criterion_failure_rate", criterionId: "resolved" })).body;
    expect(crit.calls).toBe(3);
    expect(crit.value).toBeCloseTo(1 / 3, 6);

    const rule = await owner.agent
      .post("/api/alerts/rules")
      .send({ name: "Slow LLM", metric: "llm_ttfb_p90_ms", agentId: qualityAgent, windowMinutes: 30, comparator: "above", threshold: 1000, minCalls: 3, channelIds: [channelIds[0]] })
      .expect(201);
    const before = slack.received.length;
    expect((await evaluate()).fired).toBe(1);
    expect(slack.received).toHaveLength(before + 1);
    expect(String(slack.received.at(-1)?.text)).toContain("Firing: Slow LLM");
    await owner.agent.delete(`/api/alerts/rules/${rule.body.id}`).expect(204);
  });
});

describe("ingestion metrics", () => {
  it("fires when ElevenLabs reports the workspace webhook disabled, and resolves when it is back", async () => {
    const hook = fake.addWebhook(KEY, webhookUrl, SECRET);
    const preview = await owner.agent.post("/api/alerts/rules/preview").send({ metric: "webhook_disabled", windowMinutes: 5 }).expect(200);
    expect(preview.body).toEqual({ value: 0, calls: null });
    const rule = await owner.agent
      .post("/api/alerts/rules")
      .send({ name: "Webhook off", metric: "webhook_disabled", windowMinutes: 5, comparator: "above", threshold: 0, channelIds: [channelIds[0]] })
      .expect(201);
    const before = slack.received.length;
    expect((await evaluate()).fired).toBe(0);
    hook.is_auto_disabled = true;
    expect(await evaluate()).toMatchObject({ fired: 1, resolved: 0 });
    expect(String(slack.received.at(-1)?.text)).toContain("Firing: Webhook off");
    expect((await evaluate()).fired).toBe(0);
    hook.is_auto_disabled = false;
    expect(await evaluate()).toMatchObject({ fired: 0, resolved: 1 });
    expect(slack.received).toHaveLength(before + 2);
    await owner.agent.delete(`/api/alerts/rules/${rule.body.id}`).expect(204);
  });

  it("fires while the ElevenLabs key is in error", async () => {
    const rule = await owner.agent
      .post("/api/alerts/rules")
      .send({ name: "Key broken", metric: "integration_error", windowMinutes: 5, comparator: "above", threshold: 0, channelIds: [] })
      .expect(201);
    expect((await evaluate()).fired).toBe(0);
    await t.deps.db.execute(`update integrations set status = 'ERROR' where organization_id = '${owner.user.organization.id}'` as never);
    expect((await evaluate()).fired).toBe(1);
    const events = await owner.agent.get(`/api/alerts/events?ruleId=${rule.body.id}`).expect(200);
    expect(events.body.data).toEqual([expect.objectContaining({ state: "firing", value: 1, deliveries: [] })]);
    await t.deps.db.execute(`update integrations set status = 'ACTIVE' where organization_id = '${owner.user.organization.id}'` as never);
    expect((await evaluate()).resolved).toBe(1);
  });
});
