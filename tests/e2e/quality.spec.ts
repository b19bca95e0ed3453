/**
 * The full call record and the Quality page (issue 17): webhooks carrying every field show on the Quality page
 * (latency percentiles, tools, versions with the insufficient-sample mark) and in History (evaluation score,
 * caller, cost, audio mark, column chooser, density) and in the call's detail (tool cards with errors, slow-turn
 * chips, numbers, credits split, "Recording unavailable", J/K to the next call, Open in ElevenLabs).
 */
import { expect, test, type Page } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { APP_URL_IPV6, FAKE_AGENT_ID, FAKE_AGENT_NAME, FAKE_KEY } from "./support/constants";
import { inspectPage } from "./support/inspect";
import { signature } from "./support/webhooks";
import { demoConversation, seededRandom } from "../../server/scripts/demo-conversations";

// Over IPv6 loopback, like the other everyday specs: sign-ups from 127.0.0.1 are budgeted for the rest of the suite.
test.use({ baseURL: APP_URL_IPV6 });

const SECRET = "wsec_e2e_quality_secret";

async function deliver(page: Page, webhookUrl: string, data: Record<string, unknown>) {
  const raw = JSON.stringify({ type: "post_call_transcription", event_timestamp: Math.floor(Date.now() / 1000), data });
  const response = await page.request.post(webhookUrl, {
    headers: { "content-type": "application/json", "elevenlabs-signature": signature(SECRET, raw) },
    data: raw,
  });
  expect(response.status()).toBe(200);
}

test("the Quality page and the full call record", async ({ page }) => {
  await signUp(page, newAccount("quality"));
  const saved = await page.request.post("/api/integrations", {
    data: { provider: "elevenlabs", apiKey: FAKE_KEY, webhookSecret: SECRET },
  });
  expect(saved.ok()).toBe(true);
  expect((await page.request.post("/api/agents", { data: { elevenLabsAgentId: FAKE_AGENT_ID } })).status()).toBe(201);
  const webhookUrl = ((await saved.json()) as { webhook: { url: string } }).webhook.url;

  const random = seededRandom(42);
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < 36; i++)
    await deliver(
      page,
      webhookUrl,
      demoConversation(random, {
        agentId: FAKE_AGENT_ID,
        conversationId: `conv_e2e_quality_${i}`,
        startUnix: now - 7200 - i * 3 * 3600,
      }),
    );
  // The newest call, with a known shape: a failing tool, a slow turn, no recording, a rated phone call.
  const known = demoConversation(random, {
    agentId: FAKE_AGENT_ID,
    conversationId: "conv_e2e_quality_known",
    startUnix: now - 600,
  }) as {
    transcript: Array<Record<string, unknown>>;
    metadata: Record<string, unknown>;
    analysis: Record<string, unknown>;
    has_audio: boolean;
  };
  known.transcript.splice(2, 0, {
    role: "agent",
    message: "Let me look that up.",
    time_in_call_secs: 4,
    tool_calls: [
      {
        request_id: "req_known",
        tool_name: "lookup_order",
        params_as_json: '{"order_id":"A-9"}',
        tool_has_been_called: true,
        type: "webhook",
      },
    ],
    tool_results: [
      {
        request_id: "req_known",
        tool_name: "lookup_order",
        result_value: '{"error":"upstream timeout"}',
        is_error: true,
        tool_latency_secs: 4.2,
        type: "webhook",
      },
    ],
    conversation_turn_metrics: {
      metrics: { convai_llm_service_ttfb: { elapsed_time: 2.4 }, convai_tts_service_ttfb: { elapsed_time: 0.3 } },
    },
  });
  known.metadata.phone_call = {
    type: "twilio",
    direction: "inbound",
    agent_number: "+14155550100",
    external_number: "+441234560123",
    call_sid: "CA1",
  };
  known.metadata.charging = { call_charge: 500, llm_charge: 40, llm_price: 0.016 };
  known.metadata.feedback = { rating: 2, comment: "Too slow." };
  known.analysis.evaluation_criteria_results = {
    resolved: { criteria_id: "resolved", result: "failure" },
    polite: { criteria_id: "polite", result: "success" },
    verified_identity: { criteria_id: "verified_identity", result: "success" },
  };
  known.analysis.call_summary_title = "Known quality call";
  known.has_audio = false;
  await deliver(page, webhookUrl, known as unknown as Record<string, unknown>);

  await test.step("Quality page", async () => {
    // A fresh load: the agent was registered through the API behind the page's back.
    await page.reload();
    await page.getByRole("link", { name: "Quality" }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: "Quality" })).toBeVisible();
    await expect(page.getByText("LLM time to first byte (p90)")).toBeVisible();
    await expect(page.getByRole("table", { name: "Tools" })).toContainText("lookup_order");
    // Three versions of 37 calls: at least one has fewer than 30 and is marked.
    await expect(page.getByRole("table", { name: "Versions" }).getByText("Insufficient sample").first()).toBeVisible();
    await expect(page.getByRole("figure", { name: /LLM and TTS time to first byte/ })).toBeVisible();
    await inspectPage(page, "quality");
  });

  await test.step("Quality on a phone: rows instead of tables, nothing scrolls sideways", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByRole("table")).toHaveCount(0);
    await expect(page.getByRole("list", { name: "Tools" })).toContainText("lookup_order");
    await expect(page.getByRole("list", { name: "Versions" }).getByText("Insufficient sample").first()).toBeVisible();
    await expect(page.getByRole("list", { name: "Latency by agent" })).toContainText(FAKE_AGENT_NAME);
    // Neither the page nor anything in it (a table's scroll container) needs sideways scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const scrollers = await page.evaluate(() =>
      [...document.querySelectorAll("main *")]
        .filter((el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
        .map((el) => el.outerHTML.slice(0, 120)),
    );
    expect(scrollers).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step("History columns, chooser and density", async () => {
    await page.goto("/history");
    const row = page.getByRole("row").filter({ hasText: "Known quality call" });
    await expect(row).toContainText("2/3");
    await expect(row.getByLabel("Has a recording")).toHaveCount(0);
    // The default columns fit at 1280 px: the table does not scroll sideways, the title is in view.
    const table = page.getByRole("table", { name: "Calls" });
    expect(await table.evaluate((el) => el.parentElement!.scrollWidth <= el.parentElement!.clientWidth)).toBe(true);
    await expect(row.getByRole("cell", { name: "Known quality call" })).toBeInViewport({ ratio: 1 });
    // The caller is one click away.
    await expect(row).not.toContainText("+441234560123");
    await page.getByRole("button", { name: "Columns" }).click();
    await page.getByRole("menuitemcheckbox", { name: "Caller" }).click();
    await page.keyboard.press("Escape");
    await expect(row).toContainText("+441234560123");
    await page.getByRole("button", { name: "Compact rows" }).click();
    await expect(page.getByRole("table", { name: "Calls" })).toHaveAttribute("data-density", "compact");
    await expect(page.getByText(/· \d+ calls/)).toBeVisible();
  });

  await test.step("History on a desktop: the essential filters in view, the rest behind More filters", async () => {
    const filters = page.getByRole("search", { name: "Filter calls" });
    for (const label of ["Search transcripts and summaries", "From", "To", "Agent", "Outcome"])
      await expect(filters.getByLabel(label, { exact: true })).toBeVisible();
    await expect(page.getByLabel("Criterion")).toHaveCount(0);
    await expect(page.getByLabel("Min. seconds")).toHaveCount(0);
    const more = filters.getByRole("button", { name: /^More filters/ });
    await expect(more).toHaveText("More filters");
    await more.click();
    const sheet = page.getByRole("dialog", { name: "More filters" });
    await expect(sheet.getByLabel("Criterion")).toBeVisible();
    await sheet.getByRole("combobox", { name: "Tools" }).click();
    await page.getByRole("option", { name: "With a tool error" }).click();
    await expect(page).toHaveURL(/[?&]toolError=true/);
    await expect(sheet).toContainText(/\d+ matching calls?\./);
    await sheet.getByRole("button", { name: "Close" }).click();
    await expect(more).toHaveText("More filters (1) active");
    await expect(page.getByRole("row").filter({ hasText: "Known quality call" })).toBeVisible();
    await filters.getByRole("button", { name: "Clear filters" }).click();
    await expect(more).toHaveText("More filters");
    await expect(page).not.toHaveURL(/toolError/);
  });

  await test.step("call detail", async () => {
    await page
      .getByRole("button", { name: /open call details/ })
      .first()
      .click();
    const sheet = page.getByRole("dialog");
    await expect(sheet.getByRole("heading", { name: "Known quality call" })).toBeVisible();
    await expect(sheet.getByText("Recording unavailable")).toBeVisible();
    await expect(sheet.getByText("+441234560123")).toBeVisible();
    await expect(sheet.getByText(/call\s500\scredits · LLM\s40\scredits/)).toBeVisible();
    await expect(sheet.getByLabel("Rated 2 of 5")).toBeVisible();
    await expect(sheet.getByText(/Slow ·/).first()).toBeVisible();
    const tool = sheet.locator("details").filter({ hasText: "lookup_order" }).filter({ hasText: "Error" }).first();
    await tool.locator("summary").click();
    await expect(tool).toContainText("upstream timeout");
    await expect(sheet.getByRole("link", { name: "Open in ElevenLabs" })).toHaveAttribute(
      "href",
      /conv_e2e_quality_known/,
    );
    const first = new URL(page.url()).searchParams.get("call");
    await page.keyboard.press("j");
    await expect.poll(() => new URL(page.url()).searchParams.get("call")).not.toBe(first);
    await expect(sheet.getByRole("heading", { name: "Known quality call" })).toHaveCount(0);
    await page.keyboard.press("k");
    await expect.poll(() => new URL(page.url()).searchParams.get("call")).toBe(first);
    // Keyboard hints where a keyboard is likely; none on a phone.
    await expect(sheet.locator("kbd").first()).toBeVisible();
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(sheet.getByRole("button", { name: /Older/ })).toBeVisible();
    await expect(sheet.locator("kbd")).toHaveCount(2);
    for (const hint of await sheet.locator("kbd").all()) await expect(hint).toBeHidden();
    await page.setViewportSize({ width: 1280, height: 800 });
    await inspectPage(page, "call-detail-full", { fullPage: false });
  });
});
