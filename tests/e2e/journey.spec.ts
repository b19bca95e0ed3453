/**
 * The main journey of a new organization: sign up, connect ElevenLabs, add an agent, see its calls
 * (backfill and a live webhook), open one, check the numbers, look at billing and the team, sign out.
 */
import { expect, test, type Page } from "@playwright/test";
import { newAccount, signOut, signUp } from "./support/accounts";
import { BACKFILL_CONVERSATIONS, FAKE_AGENT_ID, FAKE_AGENT_NAME, FAKE_KEY } from "./support/constants";
import { inspectPage } from "./support/inspect";
import { deliverTranscription } from "./support/webhooks";

const WEBHOOK_SECRET = "wsec_e2e_journey_secret";

async function goTo(page: Page, label: string) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label }).click();
  await expect(page.getByRole("heading", { level: 1, name: label })).toBeVisible();
}

test("a new organization connects ElevenLabs, adds an agent and sees its calls", async ({ page, request }) => {
  // Long by design: a dozen pages, each checked with axe in two themes and photographed at two widths.
  test.setTimeout(20 * 60_000);
  const account = newAccount();

  await test.step("landing page", async () => {
    await page.goto("/");
    await expect(page.getByRole("link", { name: /get started|create an account|sign up/i }).first()).toBeVisible();
    await inspectPage(page, "landing");
  });

  await test.step("sign up lands on the dashboard's empty state", async () => {
    await page.goto("/register");
    await inspectPage(page, "register");
    await signUp(page, account);
    await expect(page.getByRole("heading", { name: /let's get your first calls in/i })).toBeVisible();
    await expect(page.getByRole("link", { name: /connect elevenlabs/i })).toHaveAttribute("href", "/integrations");
    await expect(page.getByRole("link", { name: /add an agent/i })).toHaveAttribute("href", "/agents");
    await inspectPage(page, "dashboard-empty");
  });

  await test.step("history is empty", async () => {
    await goTo(page, "History");
    await expect(page.getByRole("heading", { name: "No calls yet" })).toBeVisible();
  });

  await test.step("integrations: a wrong key is explained, the right key is active", async () => {
    await goTo(page, "Integrations");
    const status = page.getByTestId("integration-status");
    await expect(status).toHaveText(/not connected/i);
    await inspectPage(page, "integrations-empty");

    await page.getByLabel("API key", { exact: true }).fill("sk_not_a_real_key");
    await page.getByRole("button", { name: "Save key" }).click();
    await expect(status).toHaveText(/error/i);
    await expect(page.getByText(/ElevenLabs does not accept this key/)).toBeVisible();
    await inspectPage(page, "integrations-error");

    await page.getByLabel("Replace the key").fill(FAKE_KEY);
    await page.getByRole("button", { name: "Save key" }).click();
    await expect(status).toHaveText(/active/i);
    await expect(page.getByText(FAKE_KEY.slice(-4))).toBeVisible();
  });

  let webhookUrl = "";
  await test.step("integrations: copy the webhook URL and save the secret", async () => {
    webhookUrl = await page.getByRole("textbox", { name: "Webhook URL" }).inputValue();
    expect(webhookUrl).toMatch(/\/api\/webhooks\/elevenlabs\/[\w-]+$/);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.getByRole("button", { name: "Copy webhook URL" }).click();
    await expect(page.getByText("Webhook URL copied", { exact: true })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(webhookUrl);

    await expect(page.getByTestId("webhook-secret-status")).toHaveText(/no secret/i);
    await page.getByRole("textbox", { name: "Webhook secret" }).fill(WEBHOOK_SECRET);
    await page.getByRole("button", { name: "Save secret" }).click();
    await expect(page.getByTestId("webhook-secret-status")).toHaveText(/secret configured/i);
    await inspectPage(page, "integrations-active");
  });

  await test.step("agents: validate an id, see its name, add it", async () => {
    await goTo(page, "Agents");
    await expect(page.getByRole("heading", { name: "No agents yet" })).toBeVisible();
    await inspectPage(page, "agents-empty");
    await page.getByRole("button", { name: "Add agent" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Add an agent" });
    await dialog.getByRole("tab", { name: "Paste an id" }).click();
    await dialog.getByLabel("ElevenLabs agent id").fill("agent_does_not_exist");
    await dialog.getByRole("button", { name: "Validate" }).click();
    await expect(dialog.getByText(/no agent with this id exists/i)).toBeVisible();

    await dialog.getByLabel("ElevenLabs agent id").fill(FAKE_AGENT_ID);
    await dialog.getByRole("button", { name: "Validate" }).click();
    await expect(dialog.getByText(`Found “${FAKE_AGENT_NAME}”`)).toBeVisible();
    await dialog.getByRole("button", { name: "Add agent" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("table", { name: "Agents" }).getByRole("link", { name: FAKE_AGENT_NAME, exact: true })).toBeVisible();
  });

  await test.step("history: the backfill brings the agent's past calls", async () => {
    await goTo(page, "History");
    const rows = page.getByRole("table", { name: "Calls" }).getByRole("row");
    // Header row plus one per call; the first page polls, so no reload is needed.
    await expect(rows).toHaveCount(BACKFILL_CONVERSATIONS + 1, { timeout: 60_000 });
    await inspectPage(page, "history");
  });

  await test.step("history: a signed webhook shows up without a reload", async () => {
    await deliverTranscription(request, webhookUrl, WEBHOOK_SECRET, FAKE_AGENT_ID, {
      conversation_id: "conv_e2e_live_webhook",
      analysis: {
        call_successful: "success",
        transcript_summary: "A caller asked to move a delivery; the agent rescheduled it.",
        call_summary_title: "Live webhook delivery",
        evaluation_criteria_results: {},
        data_collection_results: {},
      },
    });
    await expect(page.getByRole("cell", { name: "Live webhook delivery" })).toBeVisible({ timeout: 20_000 });
  });

  await test.step("agents: synced with its calls counted, renamed, synced again", async () => {
    await goTo(page, "Agents");
    const row = page.getByRole("table", { name: "Agents" }).getByRole("row").filter({ hasText: FAKE_AGENT_ID });
    await expect(row).toContainText("Synced");
    // Calls: the total, then today's count under it.
    await expect(row.getByRole("cell").nth(1)).toHaveText(new RegExp(`^${BACKFILL_CONVERSATIONS + 1}, \\d+ today$`));
    await inspectPage(page, "agents");

    await row.getByRole("button", { name: `Rename ${FAKE_AGENT_NAME}` }).click();
    const rename = page.getByRole("dialog", { name: "Rename agent" });
    await rename.getByLabel("Name").fill("Support Desk EU");
    await rename.getByRole("button", { name: "Save" }).click();
    await expect(row.getByRole("link").first()).toHaveText("Support Desk EU");
    await expect(page.getByText("Agent renamed", { exact: true })).toBeVisible();

    await row.getByRole("button", { name: /sync now/i }).click();
    await expect(page.getByText("Sync started", { exact: true })).toBeVisible();
    await expect(row).toContainText("Synced", { timeout: 30_000 });

    // Back to the old name, which the rest of the journey looks for.
    await row.getByRole("button", { name: "Rename Support Desk EU" }).click();
    await rename.getByLabel("Name").fill(FAKE_AGENT_NAME);
    await rename.getByRole("button", { name: "Save" }).click();
    await expect(row.getByRole("link").first()).toHaveText(FAKE_AGENT_NAME);
    await goTo(page, "History");
  });

  await test.step("a call: summary, analysis, transcript, audio that seeks", async () => {
    const table = page.getByRole("table", { name: "Calls" });
    await table.getByRole("row").filter({ hasText: "Order status" }).first().getByRole("button").click();
    const panel = page.getByRole("dialog");
    await expect(panel.getByRole("heading", { name: "Order status" })).toBeVisible();
    await expect(panel.getByText("The caller asked about an order")).toBeVisible();
    await expect(panel.getByText("resolved")).toBeVisible();
    await expect(panel.getByText("A-1042").first()).toBeVisible();
    const transcript = panel.getByRole("list", { name: "Transcript" });
    await expect(transcript.getByRole("listitem").first()).toContainText("Hello, thanks for calling");
    const audio = panel.locator("audio");
    await expect(audio).toHaveAttribute("preload", "metadata");
    await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.readyState), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    await transcript.getByRole("button", { name: /play from/i }).nth(2).click();
    await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.currentTime)).toBeGreaterThan(0);
    await expect(page).toHaveURL(/[?&]call=/);
    // A side panel: photograph what is on screen, from the top of the panel.
    await panel.evaluate((el) => el.scrollTo(0, 0));
    await inspectPage(page, "call-detail", { fullPage: false });
    await page.keyboard.press("Escape");
    await expect(panel).toBeHidden();
  });

  await test.step("history: search and filters live in the URL", async () => {
    // Typed like a person: the URL follows after a pause and the box keeps its focus and text.
    const search = page.getByLabel("Search transcripts and summaries");
    await search.pressSequentially("resch", { delay: 20 });
    await expect(page).toHaveURL(/[?&]q=resch(&|$)/);
    await search.pressSequentially("eduled", { delay: 20 });
    await expect(page).toHaveURL(/[?&]q=rescheduled/);
    await expect(search).toBeFocused();
    await expect(search).toHaveValue("rescheduled");
    const rows = page.getByRole("table", { name: "Calls" }).getByRole("row");
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1)).toContainText("Live webhook delivery");
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(page).not.toHaveURL(/[?&]q=/);
    await expect(search).toHaveValue("");
    await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute("href", "/api/call-logs/export.csv");
  });

  await test.step("dashboard: the numbers match history", async () => {
    await goTo(page, "Dashboard");
    const totalCalls = BACKFILL_CONVERSATIONS + 1;
    const card = page.getByText("Total calls").locator("xpath=ancestor::*[@data-slot='card'][1]");
    await expect(card).toContainText(String(totalCalls));
    await expect(page.getByRole("table", { name: "Calls per agent" }).getByRole("row").filter({ hasText: FAKE_AGENT_NAME })).toContainText(
      String(totalCalls),
    );
    await page.getByLabel("Period").click();
    await page.getByRole("option", { name: "Last 7 days" }).click();
    await expect(page).toHaveURL(/[?&]range=7/);
    await inspectPage(page, "dashboard");
  });

  await test.step("billing: this month's usage", async () => {
    await goTo(page, "Billing");
    await expect(page.getByRole("table", { name: "Usage per agent" })).toBeVisible();
    const cost = page.getByText("Estimated cost", { exact: true }).first().locator("xpath=ancestor::*[@data-slot='card'][1]");
    await expect(cost).toContainText("per minute");
    await page.getByLabel("USD per minute").fill("0.25");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByText("Price updated", { exact: true })).toBeVisible();
    await expect(cost).toContainText("$0.25");
    await inspectPage(page, "billing");
  });

  await test.step("team: the owner, and an invite link", async () => {
    await goTo(page, "Team");
    await expect(page.getByRole("table", { name: "Team members" })).toContainText(account.email);
    await page.getByRole("button", { name: "Invite" }).click();
    const dialog = page.getByRole("dialog", { name: "Invite a colleague" });
    await dialog.getByLabel("Email").fill(`viewer-${Date.now()}@e2e.example`);
    await dialog.getByRole("button", { name: "Create invite link" }).click();
    await expect(dialog.getByRole("textbox", { name: "Invite link" })).toHaveValue(/token=/);
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("table", { name: "Pending invitations" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Audit log" })).toBeVisible();
    await inspectPage(page, "team");
  });

  await test.step("settings: retention, redaction and an API token that reads the calls", async () => {
    await goTo(page, "Settings");
    await expect(page.getByTestId("retention-last-run")).toHaveText("Retention has not run for this organization yet.");
    await expect(page.getByText("Calls are kept forever.")).toBeVisible();
    await page.getByLabel("Organization time zone").fill("Europe/Paris");
    await page.getByLabel("Calls (days)").fill("365");
    await page.getByLabel("Redact personal data in new calls").check();
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText("Settings saved", { exact: true })).toBeVisible();
    // The status now says what the next run deletes.
    await expect(page.getByText(/^Calls started before .*: 0 calls due now/)).toBeVisible();
    await page.reload();
    await expect(page.getByLabel("Organization time zone")).toHaveValue("Europe/Paris");
    await expect(page.getByLabel("Redact personal data in new calls")).toBeChecked();

    await page.getByLabel("Token name").fill("Journey BI");
    await page.getByRole("button", { name: "Create token" }).click();
    const tokenField = page.getByRole("textbox", { name: /Token “Journey BI”/ });
    await expect(tokenField).toHaveValue(/^vad_/);
    const token = await tokenField.inputValue();
    const calls = await request.get("/api/call-logs", { headers: { Authorization: `Bearer ${token}` } });
    expect(calls.status()).toBe(200);
    expect(((await calls.json()) as { data: unknown[] }).data.length).toBe(BACKFILL_CONVERSATIONS + 1);
    await inspectPage(page, "settings");
    await page.getByRole("button", { name: "Done" }).click();
    await expect(tokenField).toHaveCount(0);
    const row = page.getByRole("table", { name: "API tokens" }).getByRole("row").filter({ hasText: "Journey BI" });
    await expect(row).toContainText(token.slice(0, 12));
    await row.getByRole("button", { name: "Revoke token Journey BI" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke token" }).click();
    await expect(page.getByText("Token revoked", { exact: true })).toBeVisible();
    expect((await request.get("/api/call-logs", { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(401);
  });

  await test.step("sign out", async () => {
    await signOut(page);
    await inspectPage(page, "login");
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/login\?returnTo=%2Fdashboard/);
  });
});
