/**
 * The Alerts page: add a Slack channel aimed at a local receiver and send a test, create a rule with its live
 * preview, watch it fire (the evaluator runs every 5 s here) in the history with its delivery, the sidebar badge,
 * and the digest preview. Checked with axe in both themes.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { APP_URL_IPV6 } from "./support/constants";
import { inspectPage } from "./support/inspect";

// Over IPv6 loopback: sign-ups are budgeted per client address, and the IPv4 one is spent by the other specs.
test.use({ baseURL: APP_URL_IPV6 });

test("an owner sets up a channel and a rule, and sees it fire", async ({ page }) => {
  test.setTimeout(5 * 60_000);
  const received: Array<{ text: string }> = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      received.push(JSON.parse(body) as { text: string });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/T000/B000/e2e`;

  try {
    await signUp(page, newAccount());
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Alerts" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "No alert rules yet" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Nothing has fired yet" })).toBeVisible();
    await inspectPage(page, "alerts-empty");

    await test.step("a Slack channel, tested", async () => {
      await page.getByRole("button", { name: "Add channel" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Name").fill("On-call Slack");
      await dialog.getByLabel("Incoming-webhook URL").fill(hookUrl);
      await dialog.getByRole("button", { name: "Add channel" }).click();
      await expect(dialog).toBeHidden();
      const row = page.getByRole("row", { name: /On-call Slack/ });
      await expect(row).toContainText("…/e2e");
      await expect(page.getByText(hookUrl)).toHaveCount(0);
      await row.getByRole("button", { name: "Send test" }).click();
      await expect(page.getByText("Test sent").first()).toBeVisible();
      expect(received.map((m) => m.text)).toEqual([expect.stringContaining("Test notification")]);
    });

    await test.step("a rule with its live preview", async () => {
      await page.getByRole("button", { name: "New rule" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Name").fill("No calls at all");
      await dialog.getByLabel("Metric").click();
      await page.getByRole("option", { name: "Call volume" }).click();
      await dialog.getByLabel("Condition").click();
      await page.getByRole("option", { name: "Below" }).click();
      await dialog.getByLabel("Threshold").fill("1");
      await dialog.getByLabel("Window (minutes)").fill("5");
      await dialog.getByLabel(/On-call Slack/).check();
      await expect(dialog.getByTestId("rule-preview")).toContainText("0 over 0 calls");
      await inspectPage(page, "alerts-rule-dialog");
      await dialog.getByRole("button", { name: "Create rule" }).click();
      await expect(dialog).toBeHidden();
      await expect(page.getByRole("row", { name: /No calls at all/ })).toBeVisible();
    });

    await test.step("it fires once: history, delivery and the sidebar badge", async () => {
      await expect.poll(() => received.length, { timeout: 30_000 }).toBe(2);
      expect(received[1].text).toContain("Firing: No calls at all");
      await page.reload();
      await expect(page.getByRole("row", { name: /No calls at all/ }).getByText("Firing")).toBeVisible();
      await expect(page.getByTestId("firing-badge")).toHaveText("1 firing");
      const event = page.getByRole("row", { name: /Fired/ });
      await expect(event).toContainText("Delivered");
      await expect(event).toContainText("On-call Slack");
      await expect(page.getByTestId("digest-preview")).toContainText("Calls: 0");
      await inspectPage(page, "alerts-firing", { fullPage: true });
      expect(received).toHaveLength(2);
    });

    await test.step("on a phone rules, channels and firing history are rows with everything in reach", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      const within = async (locator: ReturnType<typeof page.getByRole>) => {
        await locator.scrollIntoViewIfNeeded();
        const box = await locator.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= 390, "within the phone's width").toBe(true);
      };
      const rule = page.getByRole("list", { name: "Alert rules" }).getByRole("listitem").filter({ hasText: "No calls at all" });
      await within(rule.getByText("Firing"));
      await within(rule.getByRole("button", { name: "Delete No calls at all" }));
      const channel = page.getByRole("list", { name: "Alert channels" }).getByRole("listitem").filter({ hasText: "On-call Slack" });
      await within(channel.getByRole("button", { name: "Send test" }));
      await channel.getByRole("button", { name: "Delete On-call Slack" }).click();
      // Deleting a channel asks first; cancelling keeps it.
      await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
      await expect(channel).toBeVisible();
      const fired = page.getByRole("list", { name: "Firing history" }).getByRole("listitem").first();
      await within(fired.getByText("Delivered"));
      await page.setViewportSize({ width: 1280, height: 800 });
    });
  } finally {
    await new Promise<void>((r) => receiver.close(() => r()));
  }
});
