/**
 * Agents in everyday use (issue 20): pick agents from the ElevenLabs account, Enter in the id field,
 * an agent already added is said to be added, usage columns, rows that open the agent's calls, Sync now
 * off without a key, sync failures in words, and actions within reach on a phone.
 */
import { expect, test } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { APP_URL_IPV6, FAKE_AGENT_ID, FAKE_AGENT_NAME, FAKE_KEY } from "./support/constants";
import { inspectPage } from "./support/inspect";

test.use({ baseURL: APP_URL_IPV6 });

test("agents are picked from the account or pasted, link to their calls, and say why they cannot sync", async ({ page }) => {
  test.setTimeout(6 * 60_000);
  await signUp(page, newAccount("agents"));
  expect((await page.request.post("/api/integrations", { data: { provider: "elevenlabs", apiKey: FAKE_KEY } })).ok()).toBe(true);
  await page.goto("/agents");
  const dialog = page.getByRole("dialog", { name: "Add an agent" });

  await test.step("Enter in the id field checks the id and adds the agent", async () => {
    await page.getByRole("button", { name: "Add agent" }).first().click();
    await dialog.getByRole("tab", { name: "Paste an id" }).click();
    const id = dialog.getByLabel("ElevenLabs agent id");
    await id.fill(FAKE_AGENT_ID);
    await id.press("Enter");
    await expect(dialog).toBeHidden();
    await expect(page.getByText(`${FAKE_AGENT_NAME} is being synced. Past calls will appear shortly.`).first()).toBeVisible();
    await expect(page.getByRole("table", { name: "Agents" }).getByRole("link", { name: FAKE_AGENT_NAME })).toBeVisible();
  });

  await test.step("the picker lists the account's agents, the added one ticked, and adds the chosen ones", async () => {
    await page.getByRole("button", { name: "Add agent" }).first().click();
    const list = dialog.getByRole("list", { name: "Agents in your ElevenLabs account" });
    await expect(list.getByRole("checkbox", { name: new RegExp(FAKE_AGENT_NAME) })).toBeDisabled();
    await expect(list.getByRole("checkbox", { name: new RegExp(FAKE_AGENT_NAME) })).toBeChecked();
    await dialog.getByLabel("Search your agents").fill("book");
    await expect(list.getByRole("listitem")).toHaveCount(1);
    await inspectPage(page, "agents-picker", { fullPage: false });
    await list.getByRole("checkbox", { name: /Bookings/ }).check();
    await expect(dialog.getByRole("status")).toHaveText("1 agent selected");
    await dialog.getByRole("button", { name: "Add selected agent" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText("1 agent added", { exact: true })).toBeVisible();
    await expect(page.getByRole("table", { name: "Agents" }).getByRole("link", { name: "Bookings" })).toBeVisible();
  });

  await test.step("an agent already added does not validate as found", async () => {
    await page.getByRole("button", { name: "Add agent" }).first().click();
    await dialog.getByRole("tab", { name: "Paste an id" }).click();
    await dialog.getByLabel("ElevenLabs agent id").fill("agent_bookings");
    await dialog.getByLabel("ElevenLabs agent id").press("Enter");
    await expect(dialog.getByText(/already added as “Bookings”/)).toBeVisible();
    await expect(dialog.getByText(/^Found/)).toHaveCount(0);
    await page.keyboard.press("Escape");
  });

  await test.step("usage columns, and a row opens that agent's calls", async () => {
    const table = page.getByRole("table", { name: "Agents" });
    for (const column of ["Success rate", "Minutes", "Credits"]) await expect(table.getByRole("columnheader", { name: column })).toBeVisible();
    const row = table.getByRole("row").filter({ hasText: FAKE_AGENT_ID });
    await expect(row).toContainText("Synced", { timeout: 60_000 });
    await expect(row).toContainText(/\d+(\.\d+)?\u00a0min/);
    // At 1280 px every column, the actions included, is on screen: the table does not scroll sideways.
    const remove = row.getByRole("button", { name: `Remove ${FAKE_AGENT_NAME}` });
    const box = await remove.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(1280);
    expect(await table.evaluate((el) => el.parentElement!.scrollWidth <= el.parentElement!.clientWidth)).toBe(true);
    await inspectPage(page, "agents-columns");
    await row.getByRole("link", { name: FAKE_AGENT_NAME }).click();
    await expect(page.getByRole("heading", { level: 1, name: "History" })).toBeVisible();
    await expect(page).toHaveURL(/\/history\?agent=[0-9a-f-]{36}/);
    await page.goBack();
  });

  await test.step("without a key Sync now is off and the page says why", async () => {
    expect((await page.request.delete("/api/integrations/elevenlabs")).status()).toBe(204);
    await page.goto("/agents");
    await expect(page.getByText("Sync is off until ElevenLabs is connected")).toBeVisible();
    const syncNow = page.getByRole("button", { name: `Sync now: ${FAKE_AGENT_NAME}` });
    await expect(syncNow).toBeDisabled();
    await expect(syncNow).toHaveAccessibleDescription(/Connect ElevenLabs to turn Sync now on/);
  });

  await test.step("a sync that fails says so in words on the row", async () => {
    // A first key that ElevenLabs refuses is kept (in error), so a sync can run and fail on it.
    expect((await page.request.post("/api/integrations", { data: { provider: "elevenlabs", apiKey: "sk_refused_by_fake_0000" } })).ok()).toBe(true);
    await page.reload();
    const row = page.getByRole("table", { name: "Agents" }).getByRole("row").filter({ hasText: FAKE_AGENT_ID });
    await row.getByRole("button", { name: `Sync now: ${FAKE_AGENT_NAME}` }).click();
    await expect(row).toContainText("ElevenLabs no longer accepts your API key. Replace it on the Integrations page.", { timeout: 30_000 });
    await expect(page.getByText("invalid_api_key")).toHaveCount(0);
    await inspectPage(page, "agents-sync-failed");
  });

  await test.step("on a phone the agents are rows with their actions within reach", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const list = page.getByRole("list", { name: "Agents" });
    await expect(list.getByRole("listitem")).toHaveCount(2);
    const rename = list.getByRole("button", { name: `Rename ${FAKE_AGENT_NAME}` });
    await expect(rename).toBeInViewport();
    const box = await rename.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(390);
    await expect(list.getByRole("link", { name: FAKE_AGENT_NAME })).toBeVisible();
  });
});
