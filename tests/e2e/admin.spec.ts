/**
 * The platform admin: a PLATFORM_ADMIN_EMAILS address signed up with a password is not one (issue 16) until the
 * operator runs `npm run admin:grant` on the server; then the Admin page shows platform totals, every organization,
 * and who is a platform admin and how.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { appUrlOn, DATA_DIR_RECORD, PLATFORM_ADMIN_EMAIL } from "./support/constants";
import { inspectPage } from "./support/inspect";

/** The operator's command, against the running app's DATA_DIR (its embedded PostgreSQL). */
function adminGrant(email: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: fs.readFileSync(DATA_DIR_RECORD, "utf8").trim(), LOG_LEVEL: "silent" };
  delete env.DATABASE_URL;
  delete env.NODE_ENV;
  return execFileSync("node", ["--import", "tsx", "server/scripts/platform-admin.ts", "grant", email], { env, encoding: "utf8" }).trim();
}

// Two sign-ups: on a loopback address of this spec's own (127.0.0.1's registration budget belongs to the older specs).
test.use({ baseURL: appUrlOn(30) });

test("a listed address is platform admin only once granted; the Admin page shows totals, organizations and admins", async ({ page }) => {
  const tenant = newAccount("tenant");
  await signUp(page, tenant);
  await page.context().clearCookies();

  // One fixed address is listed in PLATFORM_ADMIN_EMAILS: a retry of this test finds it registered, and signs in.
  const admin = { ...newAccount("admin"), email: PLATFORM_ADMIN_EMAIL, password: "platform admin password" };
  const registered = await page.request.post("/api/auth/login/password", { data: { email: admin.email, password: admin.password } });
  if (registered.ok()) await page.goto("/dashboard");
  else await signUp(page, admin);
  const nav = page.getByRole("navigation", { name: "Main" });
  const me = await page.request.get("/api/auth/user");
  if (!(await me.json()).isPlatformAdmin) {
    // Signed up with a password, the email unverified: not an admin, whatever the list says.
    await expect(nav.getByRole("link", { name: "Dashboard" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Admin" })).toHaveCount(0);
    expect(adminGrant(PLATFORM_ADMIN_EMAIL)).toBe(`${PLATFORM_ADMIN_EMAIL} is now a platform admin (granted from the server shell)`);
    await page.reload();
  }

  const adminLink = nav.getByRole("link", { name: "Admin" });
  await expect(adminLink).toBeVisible();
  await adminLink.click();
  await expect(page.getByRole("heading", { level: 1, name: "Platform admin" })).toBeVisible();
  const organizations = page.getByRole("table", { name: "Organizations" });
  await expect(organizations).toContainText(tenant.organization);
  const orgCard = page.getByText("Organizations", { exact: true }).first().locator("xpath=ancestor::*[@data-slot='card'][1]");
  await expect(orgCard).toContainText(/\d/);
  const admins = page.getByRole("table", { name: "Platform admins" });
  await expect(admins.getByRole("row").filter({ hasText: PLATFORM_ADMIN_EMAIL })).toContainText("Granted by CLI");
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
