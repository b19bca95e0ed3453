/** The weekly digest: mailed once on Monday morning to owners and admins, last week against the week before. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendDueDigests } from "../../server/jobs/alert-jobs";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { startFakeSmtp } from "../helpers/fake-smtp";
import { joinAs } from "../helpers/team";
import { deliver, transcriptionEvent } from "../helpers/webhooks";
import { FakeElevenLabs, makeConversation } from "../fake-elevenlabs/server";
import { project } from "../helpers/inbox";

const KEY = "sk_test_digest_key_1200";
const SECRET = "whsec_digest_ingest_31";
const EL_AGENT = "agent_digest_1";
const DAY = 86_400_000;

const fake = new FakeElevenLabs();
let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
let t: TestApp;

/** The most recent Monday 00:00 UTC before now. */
function lastMonday(): number {
  const now = new Date();
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return midnight - ((now.getUTCDay() + 6) % 7) * DAY;
}

beforeAll(async () => {
  smtp = await startFakeSmtp();
  await fake.start();
  fake.addWorkspace(KEY);
  fake.addAgent(KEY, EL_AGENT, "Digest agent");
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url, SMTP_URL: smtp.url } });
});
afterAll(async () => {
  await t?.close();
  await smtp?.stop();
  await fake.stop();
});

describe("weekly digest", () => {
  it("mails last week to owners and admins once, on Monday morning, and previews it", async () => {
    const owner = await signUp(t.app, { organizationName: "Digest Org" });
    const admin = await joinAs(t.app, owner.agent, "admin");
    const member = await joinAs(t.app, owner.agent, "member");
    const integration = await owner.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY, webhookSecret: SECRET }).expect(200);
    const path = new URL(integration.body.webhook.url as string).pathname;
    await owner.agent.post("/api/agents").send({ elevenLabsAgentId: EL_AGENT }).expect(201);

    const monday = lastMonday();
    const weekBefore = monday - 14 * DAY;
    const lastWeek = monday - 7 * DAY;
    const calls = [
      ...[0, 1].map((i) => ({ at: weekBefore + DAY + i * 3600_000, success: "success" })),
      ...[0, 1, 2].map((i) => ({ at: lastWeek + 2 * DAY + i * 3600_000, success: i === 0 ? "failure" : "success" })),
    ];
    let n = 0;
    for (const c of calls) {
      const conv = makeConversation(EL_AGENT, { conversation_id: `conv_digest_${n++}`, startUnix: Math.floor(c.at / 1000), success: c.success, durationSecs: 120 });
      conv.transcript = [
        { role: "agent", message: "Hello", time_in_call_secs: 0, conversation_turn_metrics: { metrics: { convai_llm_service_ttfb: { elapsed_time: 0.9 } } } },
      ] as never;
      if (c.success === "failure")
        (conv.analysis as { evaluation_criteria_results: Record<string, unknown> }).evaluation_criteria_results = {
          resolved: { criteria_id: "resolved", result: "failure", rationale: "" },
        };
      await deliver(t.app, path, transcriptionEvent(conv), SECRET).expect(200);
    }
    await project(t);

    const at = (ms: number) => ({ ...t.deps, now: () => new Date(ms) });
    expect(await sendDueDigests(at(monday + 7 * 3600_000))).toBe(0); // 07:00: not morning yet
    expect(await sendDueDigests(at(monday + 9 * 3600_000))).toBe(1);
    expect(await sendDueDigests(at(monday + 9.25 * 3600_000))).toBe(0); // once per week
    expect(await sendDueDigests(at(monday + 2 * DAY + 9 * 3600_000))).toBe(0); // Wednesday

    const digests = () => smtp.messages.filter((m) => m.data.includes("Subject: Weekly digest"));
    await expect.poll(() => digests().length).toBe(1);
    const [mail] = digests();
    expect(mail.to.sort()).toEqual([`<${owner.user.email}>`, `<${admin.user.email}>`].sort());
    expect(mail.to).not.toContain(`<${member.user.email}>`);
    const body = mail.data.replace(/=\r\n/g, "").replace(/=3D/g, "=");
    expect(body).toContain("Subject: Weekly digest - Digest Org");
    expect(body).toContain("Calls: 3 (+50 % vs 2)");
    expect(body).toContain("Minutes: 6 (+50 % vs 4)");
    expect(body).toContain("Success rate: 66.7 %");
    expect(body).toContain("Worst criteria: resolved 33 % failed (1/3)");
    expect(body).toMatch(/Slowest agent: Digest agent: LLM first byte (8[6-9]\d|9[0-4]\d) ms \(P90\)/);
    expect(body).toContain("http://app.test/dashboard");

    const preview = await member.agent.get("/api/digest/preview").expect(200);
    expect(preview.body.period.to).toBe(new Date(monday).toISOString());
    expect(preview.body.text).toContain("Calls: 3");
    expect(preview.body.html).toContain("<table>");
  });

  it("goes out on Monday morning in the organization's time zone, over its local week, and never when turned off", async () => {
    const tokyo = await signUp(t.app, { organizationName: "Tokyo Digest Org" });
    await tokyo.agent.patch("/api/organization").send({ timeZone: "Asia/Tokyo" }).expect(200);
    const quiet = await signUp(t.app, { organizationName: "Quiet Digest Org" });
    await quiet.agent.patch("/api/organization").send({ weeklyDigest: false }).expect(200);

    const monday = lastMonday();
    const tokyoMonday = monday - 9 * 3600_000; // Monday 00:00 in Tokyo is Sunday 15:00 UTC
    const at = (ms: number) => ({ ...t.deps, now: () => new Date(ms) });
    await sendDueDigests(at(tokyoMonday + 7 * 3600_000)); // 07:00 in Tokyo: not yet
    await sendDueDigests(at(tokyoMonday + 8.5 * 3600_000)); // 08:30 in Tokyo, Sunday 23:30 UTC
    await sendDueDigests(at(monday + 9 * 3600_000)); // Monday 09:00 UTC: the quiet organization's morning

    const subjects = () => smtp.messages.map((m) => /Subject: (.*)/.exec(m.data)?.[1] ?? "");
    await expect.poll(() => subjects().filter((s) => s === "Weekly digest - Tokyo Digest Org").length).toBe(1);
    expect(subjects()).not.toContain("Weekly digest - Quiet Digest Org");
    const tokyoMail = smtp.messages.find((m) => m.data.includes("Subject: Weekly digest - Tokyo Digest Org"));
    expect(tokyoMail?.data).toContain("Tokyo Digest Org (Asia/Tokyo)");

    const preview = await tokyo.agent.get("/api/digest/preview").expect(200);
    expect(Date.parse(preview.body.period.to as string) % (7 * DAY)).toBe(tokyoMonday % (7 * DAY));
  });
});
