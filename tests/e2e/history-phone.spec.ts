/**
 * History on a phone (issue 20): each call is a row with its start, agent, outcome and duration, all within the
 * 390 px screen (no sideways scrolling); the filters are in a sheet behind "Filters (n)", which counts the active ones.
 */
import { expect, test, type Page } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { appUrlOn, FAKE_KEY } from "./support/constants";
import { inspectPage } from "./support/inspect";
import { signature } from "./support/webhooks";
import { demoConversation, seededRandom } from "../../server/scripts/demo-conversations";

// Its own loopback address (helper 20 uses 127.0.0.20-29): each address has its own sign-up budget.
test.use({ baseURL: appUrlOn(20) });

const SECRET = "wsec_e2e_history_phone";
// The fake's second agent: it has no past conversations, so its sync adds no calls to the three this spec delivers.
const AGENT_ID = "agent_bookings";
const AGENT_NAME = "Bookings";

async function deliver(page: Page, webhookUrl: string, data: Record<string, unknown>) {
  const raw = JSON.stringify({ type: "post_call_transcription", event_timestamp: Math.floor(Date.now() / 1000), data });
  const response = await page.request.post(webhookUrl, {
    headers: { "content-type": "application/json", "elevenlabs-signature": signature(SECRET, raw) },
    data: raw,
  });
  expect(response.status()).toBe(200);
}

/** The element lies within the phone's width (nothing cut off, no sideways scrolling needed to read it). */
async function expectWithinScreen(page: Page, locator: ReturnType<Page["locator"]>) {
  await expect(locator).toBeVisible();
  const box = await locator.boundingBox();
  const width = page.viewportSize()!.width;
  expect(box, "has a box").not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

test("History on a phone: rows with the outcome in view, filters in a sheet", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signUp(page, newAccount("history-phone"));
  const saved = await page.request.post("/api/integrations", { data: { provider: "elevenlabs", apiKey: FAKE_KEY, webhookSecret: SECRET } });
  expect(saved.ok()).toBe(true);
  expect((await page.request.post("/api/agents", { data: { elevenLabsAgentId: AGENT_ID } })).status()).toBe(201);
  const webhookUrl = ((await saved.json()) as { webhook: { url: string } }).webhook.url;

  const random = seededRandom(7);
  const now = Math.floor(Date.now() / 1000);
  const outcomes = ["success", "failure", "success"] as const;
  for (const [i, outcome] of outcomes.entries()) {
    const conversation = demoConversation(random, { agentId: AGENT_ID, conversationId: `conv_e2e_phone_${i}`, startUnix: now - 3600 * (i + 1) }) as {
      analysis: Record<string, unknown>;
      metadata: Record<string, unknown>;
    };
    conversation.analysis.call_successful = outcome;
    conversation.metadata.call_duration_secs = 125;
    await deliver(page, webhookUrl, conversation);
  }

  await page.goto("/history");
  const calls = page.getByRole("list", { name: "Calls" });
  // The projector writes calls shortly after the 200: the list fills in without a reload.
  await expect(calls.getByRole("listitem")).toHaveCount(3);
  const failed = calls.getByRole("listitem").nth(1);
  // Started, agent, outcome and duration are all on screen: the outcome no longer needs sideways scrolling.
  await expectWithinScreen(page, failed.getByText("Unsuccessful"));
  await expectWithinScreen(page, failed.getByText(AGENT_NAME));
  await expectWithinScreen(page, failed.getByText(/^2m\s5s$/));
  await expectWithinScreen(page, failed.locator("time"));
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // No table with columns off-screen on a phone.
  await expect(page.getByRole("table", { name: "Calls" })).toHaveCount(0);

  // The filters are behind one button; the search stays in view.
  await expect(page.getByRole("searchbox", { name: "Search transcripts and summaries" })).toBeVisible();
  await expect(page.getByLabel("Outcome")).toHaveCount(0);
  const filtersButton = page.getByRole("button", { name: /^Filters/ });
  await expect(filtersButton).toHaveText("Filters");
  await filtersButton.click();
  const sheet = page.getByRole("dialog", { name: "Filters" });
  await expect(sheet).toBeVisible();
  await sheet.getByRole("combobox", { name: "Outcome" }).click();
  await page.getByRole("option", { name: "Unsuccessful" }).click();
  await expect(sheet).toContainText("1 matching call.");
  // Every field fits the sheet, which fits the phone.
  await expectWithinScreen(page, sheet.getByLabel("Criterion"));
  await sheet.getByRole("button", { name: "Close" }).click();
  await expect(sheet).toBeHidden();
  await expect(filtersButton).toHaveText("Filters (1) active");
  await expect(page).toHaveURL(/[?&]success=false/);
  await expect(calls.getByRole("listitem")).toHaveCount(1);
  await expect(calls).toContainText("Unsuccessful");

  // A row opens the call.
  await calls.getByRole("button", { name: /open call details/ }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await expect(page).toHaveURL(/[?&]call=/);
  await page.keyboard.press("Escape");

  // Clear from inside the sheet leaves the count at zero.
  await filtersButton.click();
  await sheet.getByRole("button", { name: "Clear filters" }).click();
  await sheet.getByRole("button", { name: "Close" }).click();
  await expect(filtersButton).toHaveText("Filters");
  await expect(calls.getByRole("listitem")).toHaveCount(3);

  await inspectPage(page, "history-phone");

  // Team on a phone: members are rows, the owner's own row names them and their role in view.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/team");
  const members = page.getByRole("list", { name: "Team members" });
  await expectWithinScreen(page, members.getByText("You"));
  await expectWithinScreen(page, members.getByText("Owner"));
  await expect(page.getByRole("table", { name: "Team members" })).toHaveCount(0);
});
