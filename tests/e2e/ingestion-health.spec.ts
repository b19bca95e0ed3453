/**
 * Ingestion health on the Integrations page (issue 14): the fake ElevenLabs delivers a webhook itself and lists its
 * workspace webhook; a forged delivery is refused and counted; "Send test event" delivers a signed sample to the
 * organization's own URL; the URL is on 127.0.0.1, so the page says ElevenLabs cannot reach it.
 */
import { expect, test } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { appUrlOn, FAKE_AGENT_ID, FAKE_ELEVENLABS_URL, FAKE_KEY } from "./support/constants";
import { inspectPage } from "./support/inspect";
import { signature } from "./support/webhooks";
import { makeConversation } from "../fake-elevenlabs/server";

// Its own loopback address (the lead's rule: helper 14 uses 127.0.0.14): sign-ups are budgeted per address, and
// 127.0.0.1's and ::1's are spent by the other specs.
test.use({ baseURL: appUrlOn(14) });

const SECRET = "wsec_e2e_ingestion_health";

test("the ingestion health panel shows deliveries, refusals, the ElevenLabs webhook and sends a test event", async ({ page }) => {
  await signUp(page, newAccount("ingestion"));
  const saved = await page.request.post("/api/integrations", { data: { provider: "elevenlabs", apiKey: FAKE_KEY, webhookSecret: SECRET } });
  expect(saved.ok()).toBe(true);
  expect((await page.request.post("/api/agents", { data: { elevenLabsAgentId: FAKE_AGENT_ID } })).status()).toBe(201);
  const webhookUrl = ((await saved.json()) as { webhook: { url: string } }).webhook.url;

  // The workspace webhook, registered in the fake ElevenLabs, which then delivers a call to our URL itself.
  const hook = await page.request.post(`${FAKE_ELEVENLABS_URL}/_fake/webhooks`, {
    headers: { "xi-api-key": FAKE_KEY },
    data: { url: webhookUrl, secret: SECRET, name: "E2E ingestion health" },
  });
  expect(hook.status()).toBe(201);
  const { webhook_id: hookId } = (await hook.json()) as { webhook_id: string };
  const conversation = makeConversation(FAKE_AGENT_ID, { conversation_id: `conv_e2e_health_${Date.now()}` });
  const delivered = await page.request.post(`${FAKE_ELEVENLABS_URL}/_fake/webhooks/${hookId}/deliver`, {
    headers: { "xi-api-key": FAKE_KEY },
    data: { event: { type: "post_call_transcription", event_timestamp: Math.floor(Date.now() / 1000), data: conversation } },
  });
  expect(await delivered.json()).toEqual({ status: 200 });

  // A forged delivery: refused, counted by reason, body never kept.
  const forged = JSON.stringify({ type: "post_call_transcription", event_timestamp: Math.floor(Date.now() / 1000), data: conversation });
  const refused = await page.request.post(webhookUrl, { headers: { "content-type": "application/json", "elevenlabs-signature": signature("not-the-secret", forged) }, data: forged });
  expect(refused.status()).toBe(401);

  await page.goto("/integrations");
  await expect(page.getByText("Ingestion health", { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("localhost-hint")).toContainText("ElevenLabs cannot reach this URL");
  await expect(page.getByTestId("last-delivery")).not.toHaveText("No webhook delivery yet.");

  const delivery = () => page.getByRole("table", { name: "Recent deliveries" }).locator("tr", { hasText: conversation.conversation_id });
  await expect(delivery()).toBeVisible();
  // The projector builds the call within seconds, and refusals are written once a second: wait for both, then look.
  await expect
    .poll(
      async () => {
        const page1 = (await (await page.request.get("/api/integrations/elevenlabs/deliveries?limit=25")).json()) as {
          data: Array<{ conversationId: string | null; state: string }>;
          rejected24h: Record<string, number>;
        };
        const state = page1.data.find((d) => d.conversationId === conversation.conversation_id)?.state;
        return `${state} ${page1.rejected24h.invalid_signature ?? 0}`;
      },
      { timeout: 30_000 },
    )
    .toBe("processed 1");
  await page.reload();
  await expect(delivery()).toContainText("Processed", { timeout: 30_000 });
  await expect(page.getByTestId("refused-deliveries")).toContainText("Invalid signature");

  const workspace = page.getByTestId("workspace-webhook-status");
  await expect(workspace.getByText("E2E ingestion health").first()).toBeVisible();
  await expect(workspace.locator("li", { hasText: "E2E ingestion health" }).first()).toContainText("Points here");
  await expect(workspace.locator("li", { hasText: "E2E ingestion health" }).first()).toContainText("Enabled");

  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByText("Test event delivered").first()).toBeVisible();
  await expect(page.getByRole("table", { name: "Recent deliveries" })).toContainText("Test event");

  await inspectPage(page, "integrations-ingestion-health");
});
