/** The platform admin (PLATFORM_ADMIN_EMAILS) sees platform totals and every organization. */
import { expect, test } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { PLATFORM_ADMIN_EMAIL } from "./support/constants";
import { inspectPage } from "./support/inspect";

test("a platform admin sees the Admin page with totals and organizations", async ({ page }) => {
  const tenant = newAccount("tenant");
  await signUp(page, tenant);
  await page.context().clearCookies();

  // One fixed address is the platform admin: a retry of this test finds it registered, and signs in.
  const admin = { ...newAccount("admin"), email: PLATFORM_ADMIN_EMAIL, password: "platform admin password" };
  const registered = await page.request.post("/api/auth/login/password", { data: { email: admin.email, password: admin.password } });
  if (registered.ok()) await page.goto("/dashboard");
  else await signUp(page, admin);
  const adminLink = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" });
  await expect(adminLink).toBeVisible();
  await adminLink.click();
  await expect(page.getByRole("heading", { level: 1, name: "Platform admin" })).toBeVisible();
  const organizations = page.getByRole("table", { name: "Organizations" });
  await expect(organizations).toContainText(tenant.organization);
  const orgCard = page.getByText("Organizations", { exact: true }).first().locator("xpath=ancestor::*[@data-slot='card'][1]");
  await expect(orgCard).toContainText(/\d/);
  await inspectPage(page, "admin");

  // Search narrows the list by name (or a member's email); the name opens the organization.
  await page.getByRole("searchbox", { name: "Search organizations" }).fill(tenant.email);
  await expect(organizations.getByRole("row")).toHaveCount(2);
  await expect(page).toHaveURL(/[?&]q=/);
  await organizations.getByRole("link", { name: tenant.organization }).click();
  await expect(page.getByRole("heading", { level: 1, name: tenant.organization })).toBeVisible();
  await expect(page.getByRole("table", { name: "Members" })).toContainText(tenant.email);
  await expect(page.getByText("No key saved")).toBeVisible();
  await expect(page.getByText("No agents registered.")).toBeVisible();
  await inspectPage(page, "admin-organization");
  // The browser's Back keeps the search (it lives in the URL).
  await page.goBack();
  await expect(page.getByRole("searchbox", { name: "Search organizations" })).toHaveValue(tenant.email);
});
