/**
 * Platform admin only from a verified email or the server's shell (issue 16, DESIGN §12): the red-team scenarios
 * (a listed address registered with a password, invited and accepted, or from SSO with email_verified: false), the
 * ways in (SSO-verified, confirmed by a mailed link, admin:grant), revoke over PLATFORM_ADMIN_EMAILS, the Admin
 * page's list, and the CLI's one-line output.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import request from "supertest";
import { and, eq } from "drizzle-orm";
import { createTestApp, signUp, uniqueEmail, type TestApp } from "../helpers/app";
import { startFakeSmtp } from "../helpers/fake-smtp";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider";
import { tokenMailedTo } from "../helpers/mail";
import { invite } from "../helpers/team";
import { auditLog, users } from "../../server/db/schema";
import { grantPlatformAdmin, revokePlatformAdmin } from "../../server/services/auth/platform-admins";

const LISTED = ["listed-password@example.com", "listed-invited@example.com", "listed-sso-unverified@example.com", "listed-sso@example.com", "listed-confirmed@example.com", "listed-revoked@example.com", "listed-nobody@example.com"];

let t: TestApp;
let idp: TestOidcProvider;
let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;

beforeAll(async () => {
  idp = await startOidcProvider();
  smtp = await startFakeSmtp();
  t = await createTestApp({ env: { ...idp.env, SMTP_URL: smtp.url, PLATFORM_ADMIN_EMAILS: LISTED.join(",") } });
});
afterAll(async () => {
  await t?.close();
  await idp?.close();
  await smtp?.stop();
});

type Agent = ReturnType<typeof request.agent>;

async function ssoSignIn(email: string, emailVerified: boolean, sub = `sub-${Math.random().toString(36).slice(2, 10)}`): Promise<Agent> {
  idp.accounts.set(sub, { email, email_verified: emailVerified, name: "Sso Person" });
  const agent = request.agent(t.app);
  const start = await agent.get("/api/auth/login").expect(302);
  const callback = await idp.authorize(start.headers.location as string, sub);
  await agent.get(`${callback.pathname}${callback.search}`).expect(302);
  return agent;
}

const me = async (agent: Agent) => (await agent.get("/api/auth/user").expect(200)).body as { isPlatformAdmin: boolean; emailVerified: boolean };

describe("platform admin from PLATFORM_ADMIN_EMAILS", () => {
  it("is not granted to a listed address registered with a password", async () => {
    const { agent, user } = await signUp(t.app, { email: "listed-password@example.com" });
    expect(user).toMatchObject({ isPlatformAdmin: false, emailVerified: false });
    expect((await agent.get("/api/admin/stats").expect(403)).body.error.code).toBe("forbidden");
    await agent.get("/api/admin/organizations").expect(403);
  });

  it("is not granted to a listed address an organization owner invited and accepted", async () => {
    const owner = await signUp(t.app);
    const { token } = await invite(owner.agent, "member", "listed-invited@example.com");
    const { agent, user } = await signUp(t.app, { email: "listed-invited@example.com", inviteToken: token });
    expect(user.isPlatformAdmin).toBe(false);
    await agent.get("/api/admin/stats").expect(403);
  });

  it("is not granted to an SSO identity whose email_verified is false; it is when the provider verifies the email", async () => {
    const unverified = await ssoSignIn("listed-sso-unverified@example.com", false);
    expect(await me(unverified)).toMatchObject({ isPlatformAdmin: false, emailVerified: false });
    await unverified.get("/api/admin/stats").expect(403);

    const verified = await ssoSignIn("listed-sso@example.com", true);
    expect(await me(verified)).toMatchObject({ isPlatformAdmin: true, emailVerified: true });
    await verified.get("/api/admin/stats").expect(200);
  });

  it("is granted once the listed address is confirmed through the mailed link", async () => {
    const { agent, user } = await signUp(t.app, { email: "listed-confirmed@example.com" });
    expect(user.isPlatformAdmin).toBe(false);
    await expect.poll(() => smtp.messages.some((m) => m.to.includes("<listed-confirmed@example.com>"))).toBe(true);
    const token = tokenMailedTo(smtp.messages, "listed-confirmed@example.com", "/confirm-email");
    await request(t.app).post("/api/auth/confirm-email").send({ token }).expect(204);
    expect(await me(agent)).toMatchObject({ isPlatformAdmin: true, emailVerified: true });
  });
});

describe("admin:grant and admin:revoke", () => {
  it("grant makes any account an admin; revoke holds over PLATFORM_ADMIN_EMAILS until the next grant; both audited", async () => {
    const plain = await signUp(t.app);
    expect((await grantPlatformAdmin(t.deps.db, plain.user.email.toUpperCase(), new Date())).outcome).toBe("changed");
    expect(await me(plain.agent)).toMatchObject({ isPlatformAdmin: true, emailVerified: false });
    expect((await grantPlatformAdmin(t.deps.db, plain.user.email, new Date())).outcome).toBe("unchanged");

    const listed = await ssoSignIn("listed-revoked@example.com", true, "sub-listed-revoked");
    expect((await me(listed)).isPlatformAdmin).toBe(true);
    expect((await revokePlatformAdmin(t.deps.db, t.deps.env.platformAdminEmails, "listed-revoked@example.com", new Date())).outcome).toBe("changed");
    expect((await me(listed)).isPlatformAdmin).toBe(false);
    await listed.get("/api/admin/stats").expect(403);
    // A later verified SSO sign-in does not undo the revoke.
    const again = await ssoSignIn("listed-revoked@example.com", true, "sub-listed-revoked");
    expect((await me(again)).isPlatformAdmin).toBe(false);
    expect((await grantPlatformAdmin(t.deps.db, "listed-revoked@example.com", new Date())).outcome).toBe("changed");
    expect((await me(again)).isPlatformAdmin).toBe(true);

    expect((await grantPlatformAdmin(t.deps.db, "nobody-here@example.com", new Date())).outcome).toBe("no_account");

    const [row] = await t.deps.db.select().from(users).where(eq(users.email, "listed-revoked@example.com"));
    const entries = await t.deps.db
      .select({ action: auditLog.action, target: auditLog.target })
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, row.organizationId)));
    expect(entries.filter((e) => e.action.startsWith("platform_admin.")).map((e) => e.action)).toEqual([
      "platform_admin.revoked",
      "platform_admin.granted",
    ]);
  });

  it("the Admin page lists who is admin and how, and the listed addresses that are not", async () => {
    const root = await signUp(t.app);
    await grantPlatformAdmin(t.deps.db, root.user.email, new Date());
    const res = await root.agent.get("/api/admin/platform-admins").expect(200);
    const byEmail = Object.fromEntries((res.body.data as Array<{ email: string }>).map((a) => [a.email, a]));
    expect(byEmail[root.user.email]).toMatchObject({ via: "granted", emailVerifiedVia: null, organization: { id: root.user.organization.id } });
    expect(byEmail["listed-sso@example.com"]).toMatchObject({ via: "verified_email", emailVerifiedVia: "oidc" });
    expect(byEmail["listed-confirmed@example.com"]).toMatchObject({ via: "verified_email", emailVerifiedVia: "link" });
    expect(byEmail["listed-password@example.com"]).toBeUndefined();
    const pending = Object.fromEntries((res.body.pending as Array<{ email: string; reason: string }>).map((p) => [p.email, p.reason]));
    expect(pending).toMatchObject({
      "listed-password@example.com": "email_not_verified",
      "listed-invited@example.com": "email_not_verified",
      "listed-sso-unverified@example.com": "email_not_verified",
      "listed-nobody@example.com": "no_account",
    });
    const plain = await signUp(t.app);
    await plain.agent.get("/api/admin/platform-admins").expect(403);
  });

  it("npm run admin:grant / admin:revoke print one clear line and exit 0, or 1 for an unknown email", async () => {
    const { agent, user } = await signUp(t.app, { email: uniqueEmail("cli") });
    const run = promisify(execFile);
    const env = { ...process.env, DATABASE_URL: t.databaseUrl, NODE_ENV: "test", LOG_LEVEL: "silent", PLATFORM_ADMIN_EMAILS: "" };
    const script = ["tsx", "server/scripts/platform-admin.ts"];
    const granted = await run("npx", [...script, "grant", user.email], { env });
    expect(granted.stdout.trim().split("\n")).toEqual([`${user.email} is now a platform admin (granted from the server shell)`]);
    expect((await me(agent)).isPlatformAdmin).toBe(true);
    const revoked = await run("npx", [...script, "revoke", user.email], { env });
    expect(revoked.stdout.trim()).toMatch(new RegExp(`^${user.email} is no longer a platform admin`));
    expect((await me(agent)).isPlatformAdmin).toBe(false);
    const unknown = await run("npx", [...script, "grant", "nobody-at-all@example.com"], { env }).catch((err: { code: number; stderr: string }) => err);
    expect(unknown).toMatchObject({ code: 1 });
    expect((unknown as { stderr: string }).stderr.trim()).toBe("no account has the email nobody-at-all@example.com: nothing changed (the person signs up first, then run this again)");
  }, 60_000);
});
