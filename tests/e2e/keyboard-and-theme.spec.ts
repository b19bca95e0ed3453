/** Keyboard-only use and the theme choice. */
import { expect, test } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { appUrlOn } from "./support/constants";

// Sign-ups on a loopback address of this spec's own: 127.0.0.1's registration budget (10 an hour) is spent by the others.
test.use({ baseURL: appUrlOn(31) });

test("sign in, skip to content and move between pages with the keyboard only", async ({ page, browser }) => {
  const account = newAccount("keys");
  await signUp(page, account);
  await page.context().clearCookies();

  const fresh = await browser.newPage();
  try {
    await fresh.goto("/login");
    await fresh.getByLabel("Email", { exact: true }).focus();
    await fresh.keyboard.type(account.email);
    await fresh.keyboard.press("Tab");
    await expect(fresh.getByLabel("Password")).toBeFocused();
    await fresh.keyboard.type(account.password);
    await fresh.keyboard.press("Enter");
    await expect(fresh).toHaveURL(/\/dashboard/);
    await expect(fresh.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();

    // The first Tab reaches the skip link, which moves focus to the page content.
    await fresh.keyboard.press("Tab");
    const skip = fresh.getByRole("link", { name: "Skip to main content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeVisible();
    await fresh.keyboard.press("Enter");
    await expect(fresh.locator("#main")).toBeFocused();

    // Navigation links are reachable and show a focus ring.
    const history = fresh.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History" });
    await history.focus();
    const ring = await history.evaluate((el) => getComputedStyle(el).boxShadow);
    expect(ring).not.toBe("none");
    await fresh.keyboard.press("Enter");
    await expect(fresh.getByRole("heading", { level: 1, name: "History" })).toBeVisible();
    await expect(history).toHaveAttribute("aria-current", "page");
  } finally {
    await fresh.close();
  }
});

test("the theme toggle switches to dark and remembers it", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await signUp(page, newAccount("theme"));
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
  await page.getByRole("button", { name: /change theme/i }).click();
  await page.getByRole("menuitemradio", { name: "Dark" }).click();
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/\bdark\b/);
  await page.getByRole("button", { name: /change theme/i }).click();
  await page.getByRole("menuitemradio", { name: "Light" }).click();
  await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
});
