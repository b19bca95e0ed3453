/**
 * Account pages of issue 16: an admin makes a password reset link on the Team page, the member sets a new password
 * with it and signs in; "Forgot your password?" answers the same for any email; a used or bogus link is refused.
 */
import { expect, test } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { appUrlOn } from "./support/constants";
import { inspectPage } from "./support/inspect";

// Sign-ups from a loopback address of this spec's own: 127.0.0.1 and ::1 budgets (10 registrations an hour each)
// are spent by the other specs.
const APP_URL_16 = appUrlOn(16);
test.use({ baseURL: APP_URL_16 });

test("a reset link from the Team page lets a member choose a new password, once", async ({ page, browser }) => {
  const owner = newAccount("reset-owner");
  await signUp(page, owner);
  const member = newAccount("reset-member");
  const invited = await page.request.post("/api/team/invitations", { data: { email: member.email, role: "member" } });
  expect(invited.status()).toBe(201);
  const inviteToken = new URL(((await invited.json()) as { inviteUrl: string }).inviteUrl).searchParams.get("token");
  const memberContext = await browser.newContext({ baseURL: APP_URL_16 });
  const joined = await memberContext.request.post("/api/auth/register", { data: { email: member.email, password: member.password, name: member.name, inviteToken } });
  expect(joined.status()).toBe(201);

  await page.goto("/team");
  const members = page.getByRole("table", { name: "Team members" });
  // Owners cannot make links for owners (themselves included); for the member they can.
  await expect(members.getByRole("button", { name: `Password reset link for ${owner.name}` })).toHaveCount(0);
  await members.getByRole("button", { name: `Password reset link for ${member.name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Password reset link for ${member.name}` });
  await dialog.getByRole("button", { name: "Make reset link" }).click();
  const link = await dialog.getByRole("textbox", { name: "Reset link" }).inputValue();
  expect(link).toMatch(/\/reset-password\?token=/);
  await inspectPage(page, "team-reset-link");
  await dialog.getByRole("button", { name: "Done" }).click();

  // The link is used in another browser: the member's open session there ends.
  const resetContext = await browser.newContext({ baseURL: APP_URL_16 });
  const resetPage = await resetContext.newPage();
  await resetPage.goto(`${new URL(link).pathname}${new URL(link).search}`);
  await expect(resetPage.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
  await resetPage.getByLabel("New password", { exact: true }).fill("short");
  await resetPage.getByLabel("Repeat the new password").fill("short");
  await resetPage.getByRole("button", { name: "Set new password" }).click();
  await expect(resetPage.getByRole("alert").filter({ hasText: "at least 10 characters" })).toBeVisible();
  await resetPage.getByLabel("New password", { exact: true }).fill("my brand new password");
  await resetPage.getByLabel("Repeat the new password").fill("my brand new password");
  await inspectPage(resetPage, "reset-password");
  await resetPage.getByRole("button", { name: "Set new password" }).click();
  await expect(resetPage.getByRole("heading", { level: 1, name: "Password changed" })).toBeVisible();

  await resetPage.getByRole("link", { name: "Sign in" }).click();
  await resetPage.getByLabel("Email", { exact: true }).fill(member.email);
  await resetPage.getByLabel("Password", { exact: true }).fill("my brand new password");
  await resetPage.getByRole("button", { name: "Sign in" }).click();
  await expect(resetPage).toHaveURL(/\/dashboard/);

  // Used once: the same link now says so.
  await resetPage.goto(`${new URL(link).pathname}${new URL(link).search}`);
  await resetPage.getByLabel("New password", { exact: true }).fill("another new password");
  await resetPage.getByLabel("Repeat the new password").fill("another new password");
  await resetPage.getByRole("button", { name: "Set new password" }).click();
  await expect(resetPage.getByText("This link is invalid, already used or expired")).toBeVisible();
  expect((await memberContext.request.get("/api/auth/user")).status()).toBe(401);
  await memberContext.close();
  await resetContext.close();
});

test("forgot password answers the same for any email; a bogus confirmation link is refused", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Reset your password" })).toBeVisible();
  await inspectPage(page, "forgot-password");
  await page.getByLabel("Email").fill("nobody-at-all@e2e.example");
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText("If an account uses nobody-at-all@e2e.example")).toBeVisible();

  await page.goto("/confirm-email?token=not-a-real-token");
  await expect(page.getByText("This link is invalid, already used or expired")).toBeVisible();
});

test("the account menu changes one's email with the current password", async ({ page }) => {
  const account = newAccount("email-change");
  await signUp(page, account);
  await page.getByRole("button", { name: /account menu/i }).click();
  await page.getByRole("menuitem", { name: "Change email" }).click();
  const dialog = page.getByRole("dialog", { name: "Change your email" });
  const next = `changed-${account.email}`;
  await dialog.getByLabel("New email").fill(next);
  await dialog.getByLabel("Current password").fill("not my password");
  await dialog.getByRole("button", { name: "Change email" }).click();
  await expect(dialog.getByText("Not your current password")).toBeVisible();
  await inspectPage(page, "change-email");
  await dialog.getByLabel("Current password").fill(account.password);
  await dialog.getByRole("button", { name: "Change email" }).click();
  await expect(dialog).toHaveCount(0);
  await page.getByRole("button", { name: /account menu/i }).click();
  await expect(page.getByRole("menu")).toContainText(next);
});
