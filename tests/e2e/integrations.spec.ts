/**
 * Integrations in everyday use (issue 20): a refused key never replaces a working one, toasts speak in
 * sentences (no raw codes), and a success closes the error toast still on screen.
 */
import { expect, test } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { APP_URL_IPV6, FAKE_KEY } from "./support/constants";
import { inspectPage } from "./support/inspect";

test.use({ baseURL: APP_URL_IPV6 });

test("a refused key is explained in words and never replaces a working one", async ({ page }) => {
  await signUp(page, newAccount("keys"));
  await page.goto("/integrations");
  const status = page.getByTestId("integration-status");
  const refusedToast = page.getByText("ElevenLabs did not accept the key", { exact: true });

  await page.getByLabel("API key", { exact: true }).fill("sk_refused_first_key");
  await page.getByRole("button", { name: "Save key" }).click();
  await expect(status).toHaveText(/error/i);
  await expect(refusedToast).toBeVisible();
  await expect(page.getByText(/invalid_api_key/)).toHaveCount(0);

  // The good key: its success toast replaces the stale error toast.
  await page.getByLabel("Replace the key").fill(FAKE_KEY);
  await page.getByRole("button", { name: "Save key" }).click();
  await expect(status).toHaveText(/active/i);
  await expect(page.getByText("API key saved", { exact: true })).toBeVisible();
  await expect(refusedToast).toHaveCount(0);

  // A refused replacement: nothing saved, the working key stays, and the page says so.
  await page.getByLabel("Replace the key").fill("sk_refused_replacement");
  await page.getByRole("button", { name: "Save key" }).click();
  await expect(page.getByText("The new key was not saved")).toBeVisible();
  await expect(page.getByText(new RegExp(`…${FAKE_KEY.slice(-4)} is kept`)).first()).toBeVisible();
  await expect(status).toHaveText(/active/i);
  await expect(page.getByText(/invalid_api_key/)).toHaveCount(0);
  await inspectPage(page, "integrations-key-kept");
});
