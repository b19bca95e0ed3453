/**
 * Everyday use (issue 20): signed-in visitors of public pages land in the app; the dashboard compares
 * periods in words people can read, names the time zone and counts credits; billing draws no future
 * days and has an empty state; KPI cards sit two per row on a phone; the UI font is bundled.
 */
import { expect, test, type Page } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { APP_URL_IPV6, FAKE_AGENT_ID, FAKE_KEY } from "./support/constants";
import { inspectPage } from "./support/inspect";
import { deliverTranscription } from "./support/webhooks";

test.use({ baseURL: APP_URL_IPV6 });

const SECRET = "wsec_e2e_everyday_secret";
const DAY = 86_400;

/** A connected organization with the fake agent registered (its backfill brings the fake's recent calls). */
async function connectedOrganization(page: Page): Promise<string> {
  await signUp(page, newAccount("everyday"));
  const saved = await page.request.post("/api/integrations", { data: { provider: "elevenlabs", apiKey: FAKE_KEY, webhookSecret: SECRET } });
  expect(saved.ok()).toBe(true);
  expect((await page.request.post("/api/agents", { data: { elevenLabsAgentId: FAKE_AGENT_ID } })).status()).toBe(201);
  return ((await saved.json()) as { webhook: { url: string } }).webhook.url;
}

function card(page: Page, label: string) {
  return page.getByText(label, { exact: true }).locator("xpath=ancestor::*[@data-slot='card'][1]");
}

test("signed-in visitors of the landing and sign-in pages land in the app", async ({ page }) => {
  await signUp(page, newAccount("returning"));
  await page.goto("/");
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/login?returnTo=%2Fbilling");
  await expect(page).toHaveURL(/\/billing$/);
  await expect(page.getByRole("heading", { level: 1, name: "Billing" })).toBeVisible();
  // Signed out, both stay where they are.
  await page.context().clearCookies();
  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/$/);
});

test("the dashboard says 'new' or the difference instead of a huge percentage, names the time zone and counts credits", async ({ page }) => {
  const webhookUrl = await connectedOrganization(page);
  await page.goto("/dashboard");
  const calls = card(page, "Total calls");
  // Only this period has calls: one note under the cards, not one per card.
  await expect(calls).toContainText(/\d/);
  await expect(page.getByText(/no calls in the previous period/i)).toHaveCount(1);
  await expect(page.getByText("Days are counted in the organization's time zone, UTC.")).toBeVisible();
  await expect(card(page, "ElevenLabs credits")).toContainText(/\d/);

  // One call 40 days ago (the previous 30-day period): the current count is many times that.
  const now = Math.floor(Date.now() / 1000);
  await deliverTranscription(page.request, webhookUrl, SECRET, FAKE_AGENT_ID, { conversation_id: `conv_everyday_${now}`, startUnix: now - 40 * DAY });
  await page.reload();
  await expect(calls).toContainText(/\+\d+\u00a0calls/);
  await expect(calls).not.toContainText("%");
  await expect(page.getByText(/no calls in the previous period/i)).toHaveCount(0);
  // "1,379.12 min" never wraps: the figure is one line high.
  const minutes = card(page, "Total minutes").locator("[data-slot='stat-value']");
  await expect(minutes).toHaveText(/\u00a0min$/);

  // The UI font is bundled, not the system's fallback.
  expect(await page.evaluate(() => document.fonts.check('16px "Inter Variable"'))).toBe(true);

  await test.step("on a phone the KPI cards sit two per row", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const first = await card(page, "Total calls").boundingBox();
    const second = await card(page, "Total minutes").boundingBox();
    expect(first && second && Math.abs(first.y - second.y) < 2 && second.x > first.x).toBe(true);
    const height = await minutes.evaluate((el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight));
    expect(height).toBeLessThan(1.5);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
  await inspectPage(page, "dashboard-compared");

  await test.step("billing: no future days drawn, and an empty month says so", async () => {
    await page.goto("/billing");
    await expect(page.getByText(/up to today/)).toBeVisible();
    // The rest of the month is on the axis but not drawn as zero: the chart describes the days so far.
    await expect(page.getByRole("figure", { name: new RegExp(`over ${new Date().getUTCDate()} days`) })).toBeVisible();
    await expect(card(page, "ElevenLabs credits").first()).toContainText("charged by ElevenLabs");
    await expect(page.getByRole("table", { name: "Usage per agent" }).getByRole("columnheader", { name: "Estimated cost (your price)" })).toBeVisible();
    await page.goto("/billing?month=2024-01");
    await expect(page.getByRole("heading", { name: "No calls in January 2024" })).toBeVisible();
    await expect(page.getByRole("figure")).toHaveCount(0);
    await inspectPage(page, "billing-empty");
  });

  await test.step("team: the audit log filters by kind of action", async () => {
    await page.goto("/team");
    const log = page.getByRole("table", { name: "Audit log" });
    await expect(log).toContainText("Integration key changed");
    await page.getByLabel("What").click();
    await page.getByRole("option", { name: "Agents" }).click();
    await expect(log.getByRole("row")).toHaveCount(2);
    await expect(log).toContainText("Agent created");
    await expect(log).not.toContainText("Integration key changed");
    await inspectPage(page, "team-audit-filtered");
  });
});
