/** Sign-up through the real form, one new organization per call. */
import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";

export interface Account {
  email: string;
  password: string;
  name: string;
  organization: string;
}

export function newAccount(prefix = "owner"): Account {
  const id = randomUUID().slice(0, 8);
  return { email: `${prefix}-${id}@e2e.example`, password: "correct horse battery", name: `Ada ${id}`, organization: `Acme ${id}` };
}

export async function signUp(page: Page, account: Account, path = "/register") {
  await page.goto(path);
  await page.getByLabel("Your name").fill(account.name);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  const organization = page.getByLabel("Organization name");
  if (await organization.isVisible()) await organization.fill(account.organization);
  await page.getByRole("button", { name: /create account|join organization/i }).click();
  await expect(page).toHaveURL(/\/dashboard/);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: /account menu/i }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}
