import { expect, test } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { inspectPage } from "./support/inspect";
import { appUrlOn } from "./support/constants";

// Sign-ups on a loopback address of this spec's own: 127.0.0.1's registration budget (10 an hour) is spent by the others.
test.use({ baseURL: appUrlOn(32) });

test("an unknown address shows the 404 page", async ({ page }) => {
  await page.goto("/this-page-does-not-exist");
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await expect(page).toHaveTitle(/Page not found/);
  await inspectPage(page, "not-found");
  await page.getByRole("link", { name: "Home" }).click();
  await expect(page).toHaveURL(/\/$/);
});

test("an unknown page inside the app keeps the navigation", async ({ page }) => {
  await signUp(page, newAccount("lost"));
  await page.goto("/dashboard/nowhere");
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  // Platform admin is hidden from everyone else, and its address is a plain 404.
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toHaveCount(0);
  await page.goto("/admin");
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
});
