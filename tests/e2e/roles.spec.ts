/** An owner invites a viewer through the invite link; the viewer sees the pages but no controls to change them. */
import { expect, test } from "@playwright/test";
import { newAccount, signUp } from "./support/accounts";
import { APP_URL_IPV6, appUrlOn } from "./support/constants";
import { inspectPage } from "./support/inspect";

// Sign-ups on a loopback address of this spec's own: 127.0.0.1's registration budget (10 an hour) is spent by the others.
test.use({ baseURL: appUrlOn(33) });

test("a viewer invited by link joins the organization read-only", async ({ page, browser }) => {
  const owner = newAccount("owner");
  await signUp(page, owner);
  await page.goto("/team");
  await page.getByRole("button", { name: "Invite" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite a colleague" });
  const viewer = newAccount("viewer");
  // A mistyped address is pointed out, and the message goes as soon as the address is fixed.
  await dialog.getByLabel("Email").fill("viewer-at-e2e.example");
  await dialog.getByRole("button", { name: "Create invite link" }).click();
  await expect(dialog.getByText("Enter a valid email address")).toBeVisible();
  await dialog.getByLabel("Email").fill(viewer.email);
  await expect(dialog.getByText("Enter a valid email address")).toHaveCount(0);
  await dialog.getByLabel("Role").click();
  await page.getByRole("option", { name: "Viewer" }).click();
  await dialog.getByRole("button", { name: "Create invite link" }).click();
  const inviteUrl = await dialog.getByRole("textbox", { name: "Invite link" }).inputValue();
  expect(inviteUrl).toMatch(/token=/);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("table", { name: "Pending invitations" })).toContainText(viewer.email);

  const viewerContext = await browser.newContext();
  const viewerPage = await viewerContext.newPage();
  try {
    const invitePath = new URL(inviteUrl).pathname + new URL(inviteUrl).search;
    await viewerPage.goto(invitePath);
    await expect(viewerPage.getByRole("heading", { name: "Accept your invitation" })).toBeVisible();
    await expect(viewerPage.getByLabel("Organization name")).toHaveCount(0);
    // The invited address is filled in, and the page says which organization it is.
    await expect(viewerPage.getByLabel("Email")).toHaveValue(viewer.email);
    await expect(viewerPage.getByText(`You're joining ${owner.organization}`)).toBeVisible();
    await inspectPage(viewerPage, "invitation-accept");
    await signUp(viewerPage, viewer, invitePath);

    await viewerPage.goto("/integrations");
    await expect(viewerPage.getByText("Only owners and admins can change the key.")).toBeVisible();
    await expect(viewerPage.getByRole("button", { name: "Save key" })).toHaveCount(0);
    await expect(viewerPage.getByRole("textbox", { name: "Webhook URL" })).toBeVisible();
    // Nothing to save below for a viewer: the steps say who saves the secret instead.
    await expect(viewerPage.getByText(/save it below/)).toHaveCount(0);
    await expect(viewerPage.getByText(/give it to an owner or admin/)).toBeVisible();

    await viewerPage.goto("/agents");
    await expect(viewerPage.getByText("An admin of your organization can add agents.")).toBeVisible();
    await expect(viewerPage.getByRole("button", { name: "Add agent" })).toHaveCount(0);

    await viewerPage.goto("/team");
    const members = viewerPage.getByRole("table", { name: "Team members" });
    await expect(members).toContainText(owner.email);
    await expect(members).toContainText(viewer.email);
    await expect(viewerPage.getByRole("button", { name: "Invite" })).toHaveCount(0);
    await expect(viewerPage.getByRole("combobox")).toHaveCount(0);
    await expect(viewerPage.getByRole("heading", { name: "Audit log" })).toHaveCount(0);
    await inspectPage(viewerPage, "team-viewer");

    await viewerPage.goto("/billing");
    await expect(viewerPage.getByRole("heading", { level: 1, name: "Billing" })).toBeVisible();
    await expect(viewerPage.getByLabel("USD per minute")).toHaveCount(0);
  } finally {
    await viewerContext.close();
  }

  // The owner sees the viewer join, and can change their role.
  await page.reload();
  const row = page.getByRole("table", { name: "Team members" }).getByRole("row").filter({ hasText: viewer.email });
  await expect(row.getByRole("combobox", { name: /role of/i })).toHaveText(/viewer/i);
  await expect(page.getByRole("table", { name: "Pending invitations" })).toHaveCount(0);
});

// Over IPv6 loopback: sign-ups from 127.0.0.1 are budgeted (10 an hour) for the older specs of the suite.
test.describe("phone", () => {
  test.use({ baseURL: APP_URL_IPV6 });

  test("on a phone the navigation is a drawer", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signUp(page, newAccount("phone"));
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    await page.getByRole("button", { name: "Open navigation menu" }).click();
    const drawer = page.getByRole("dialog", { name: "Navigation" });
    await drawer.getByRole("link", { name: "History" }).click();
    await expect(drawer).toBeHidden();
    await expect(page.getByRole("heading", { level: 1, name: "History" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Open navigation menu" })).toBeFocused();
  });
});
