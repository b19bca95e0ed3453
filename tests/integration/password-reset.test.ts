/**
 * Password reset (issue 16, DESIGN §12): 202 whatever the email (no enumeration), a mailed link with SMTP_URL, valid
 * once and for one hour, hashed at rest, ending the person's other sessions; the Team page's reset link for members
 * of lower roles, never for a platform admin; every step audited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { and, eq, like } from "drizzle-orm";
import { createApp } from "../../server/app";
import { accountTokens, auditLog } from "../../server/db/schema";
import { sha256 } from "../../server/lib/crypto";
import { grantPlatformAdmin } from "../../server/services/auth/platform-admins";
import { createTestApp, signUp, uniqueEmail, type TestApp } from "../helpers/app";
import { startFakeSmtp } from "../helpers/fake-smtp";
import { mailText, tokenMailedTo } from "../helpers/mail";
import { invite, joinAs } from "../helpers/team";

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
const NEW_PASSWORD = "a brand new password";

beforeAll(async () => {
  smtp = await startFakeSmtp();
  t = await createTestApp({ env: { SMTP_URL: smtp.url, PLATFORM_ADMIN_EMAILS: "listed-member@example.com" } });
});
afterAll(async () => {
  await t?.close();
  await smtp?.stop();
});

const resetMails = (email: string) => smtp.messages.filter((m) => m.to.includes(`<${email}>`) && m.data.includes("Reset your VoiceAI Dashboard password"));
const signIn = (email: string, password: string) => request(t.app).post("/api/auth/login/password").send({ email, password });

function requestReset(email: string) {
  return request(t.app).post("/api/auth/password-reset/request").send({ email });
}

describe("password reset by email", () => {
  it("answers 202 with the same empty answer for an unknown email and mails only a known one", async () => {
    const { user } = await signUp(t.app);
    const known = await requestReset(user.email);
    const unknown = await requestReset(uniqueEmail("nobody"));
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.text).toBe(known.text);
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());
    await expect.poll(() => resetMails(user.email).length).toBe(1);
    expect(smtp.messages.filter((m) => m.to.some((to) => to.includes("nobody")))).toEqual([]);
    expect(mailText(resetMails(user.email)[0])).toContain("http://app.test/reset-password?token=");
  });

  it("sets the new password once, within the hour, keeps only the token's hash, and ends the person's other sessions", async () => {
    const { agent: otherBrowser, user, password } = await signUp(t.app);
    await requestReset(user.email).expect(202);
    await expect.poll(() => resetMails(user.email).length).toBe(1);
    const token = tokenMailedTo(smtp.messages, user.email, "/reset-password");

    const [row] = await t.deps.db.select().from(accountTokens).where(and(eq(accountTokens.userId, user.id), eq(accountTokens.purpose, "password_reset")));
    expect(row).toMatchObject({ purpose: "password_reset", tokenHash: sha256(token), usedAt: null });
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThan(59 * 60 * 1000);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(60 * 60 * 1000 + 5_000);
    expect(t.logs.join("")).not.toContain(token);

    await request(t.app).post("/api/auth/password-reset").send({ token, password: "short" }).expect(400);
    await request(t.app).post("/api/auth/password-reset").send({ token, password: NEW_PASSWORD }).expect(204);
    // The browser that was signed in elsewhere is signed out.
    await otherBrowser.get("/api/auth/user").expect(401);
    await signIn(user.email, password).expect(401);
    await signIn(user.email, NEW_PASSWORD).expect(200);

    const again = await request(t.app).post("/api/auth/password-reset").send({ token, password: "yet another password" }).expect(400);
    expect(again.body.error.code).toBe("invalid_token");
    await signIn(user.email, NEW_PASSWORD).expect(200);

    const actions = await t.deps.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, user.organization.id), like(auditLog.action, "auth.password_reset%")));
    expect(actions.map((a) => a.action).sort()).toEqual(["auth.password_reset", "auth.password_reset_requested"]);
  });

  it("keeps the session of the browser that uses the link when it is the person's own", async () => {
    const { agent, user } = await signUp(t.app);
    await requestReset(user.email).expect(202);
    await expect.poll(() => resetMails(user.email).length).toBe(1);
    const token = tokenMailedTo(smtp.messages, user.email, "/reset-password");
    await agent.post("/api/auth/password-reset").send({ token, password: NEW_PASSWORD }).expect(204);
    await agent.get("/api/auth/user").expect(200);
  });

  it("refuses a link older than one hour, and an older link once a newer one was sent", async () => {
    const { user } = await signUp(t.app);
    await requestReset(user.email).expect(202);
    await expect.poll(() => resetMails(user.email).length).toBe(1);
    const first = tokenMailedTo(smtp.messages, user.email, "/reset-password");
    const later = await createApp({ ...t.deps, now: () => new Date(Date.now() + 61 * 60 * 1000) });
    const expired = await request(later).post("/api/auth/password-reset").send({ token: first, password: NEW_PASSWORD }).expect(400);
    expect(expired.body.error.code).toBe("invalid_token");

    await requestReset(user.email).expect(202);
    await expect.poll(() => resetMails(user.email).length).toBe(2);
    const second = tokenMailedTo(smtp.messages, user.email, "/reset-password");
    expect(second).not.toBe(first);
    await request(t.app).post("/api/auth/password-reset").send({ token: first, password: NEW_PASSWORD }).expect(400);
    await request(t.app).post("/api/auth/password-reset").send({ token: second, password: NEW_PASSWORD }).expect(204);
  });

  it("a link mailed to an address the account has since left no longer works", async () => {
    const { agent, user, password } = await signUp(t.app);
    await requestReset(user.email).expect(202);
    await expect.poll(() => resetMails(user.email).length).toBe(1);
    const token = tokenMailedTo(smtp.messages, user.email, "/reset-password");
    await agent.post("/api/auth/email").send({ email: uniqueEmail("moved"), password }).expect(200);
    expect((await request(t.app).post("/api/auth/password-reset").send({ token, password: NEW_PASSWORD }).expect(400)).body.error.code).toBe("invalid_token");
  });

  it("without SMTP_URL answers 202 the same and sends or stores nothing", async () => {
    const noMail = await createTestApp();
    try {
      const { user } = await signUp(noMail.app);
      const known = await request(noMail.app).post("/api/auth/password-reset/request").send({ email: user.email }).expect(202);
      const unknown = await request(noMail.app).post("/api/auth/password-reset/request").send({ email: uniqueEmail() }).expect(202);
      expect(known.text).toBe(unknown.text);
      expect(await noMail.deps.db.select().from(accountTokens)).toEqual([]);
    } finally {
      await noMail.close();
    }
  });

  it("limits requests per email the same way for known and unknown emails (a 429 tells nothing about accounts)", async () => {
    const app = await createApp({ ...t.deps, env: { ...t.deps.env, trustProxyHops: 1 } }, { rateLimits: true });
    const { user } = await signUp(t.app);
    const ask = (email: string, i: number) =>
      request(app).post("/api/auth/password-reset/request").set("x-forwarded-for", `198.51.100.${i}`).send({ email });
    const statuses = async (email: string) => {
      const out: number[] = [];
      for (let i = 0; i < 6; i++) out.push((await ask(email, i + 1)).status);
      return out;
    };
    const expected = [202, 202, 202, 202, 202, 429];
    expect(await statuses(user.email)).toEqual(expected);
    expect(await statuses(uniqueEmail("nobody"))).toEqual(expected);
  });
});

describe("reset link from the Team page", () => {
  it("is for roles below the caller's: owners for everyone but owners, admins for members and viewers", async () => {
    const owner = await signUp(t.app);
    const admin = await joinAs(t.app, owner.agent, "admin");
    const member = await joinAs(t.app, owner.agent, "member");
    const viewer = await joinAs(t.app, owner.agent, "viewer");
    const coOwner = await joinAs(t.app, owner.agent, "owner");
    const make = (agent: typeof owner.agent, id: string) => agent.post(`/api/team/members/${id}/password-reset`);

    for (const target of [admin, member, viewer]) {
      const res = await make(owner.agent, target.user.id).expect(200);
      expect(res.body.resetUrl).toMatch(/^http:\/\/app\.test\/reset-password\?token=[A-Za-z0-9_-]{40,}$/);
    }
    for (const target of [member, viewer]) await make(admin.agent, target.user.id).expect(200);
    for (const [caller, target] of [
      [owner, coOwner],
      [owner, owner],
      [admin, admin],
      [admin, owner],
    ] as const)
      expect((await make(caller.agent, target.user.id).expect(403)).body.error.code).toBe("role_too_high");
    await make(member.agent, viewer.user.id).expect(403);
    await make(viewer.agent, member.user.id).expect(403);

    // Another organization's member is not found.
    const stranger = await signUp(t.app);
    await make(owner.agent, stranger.user.id).expect(404);
  });

  it("works once, like a mailed link, and is audited", async () => {
    const owner = await signUp(t.app);
    const member = await joinAs(t.app, owner.agent, "member");
    const { body } = await owner.agent.post(`/api/team/members/${member.user.id}/password-reset`).expect(200);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(59 * 60 * 1000);
    const token = new URL(body.resetUrl as string).searchParams.get("token")!;
    await request(t.app).post("/api/auth/password-reset").send({ token, password: NEW_PASSWORD }).expect(204);
    await member.agent.get("/api/auth/user").expect(401);
    await signIn(member.user.email, NEW_PASSWORD).expect(200);
    await request(t.app).post("/api/auth/password-reset").send({ token, password: NEW_PASSWORD }).expect(400);
    const entries = await owner.agent.get("/api/team/audit-log").expect(200);
    const actions = (entries.body.data as Array<{ action: string; target: string }>).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["member.password_reset_link_created", "auth.password_reset"]));
  });

  it("is never made for a platform admin (or a listed address), whatever the caller's role", async () => {
    const owner = await signUp(t.app);
    const admin = await joinAs(t.app, owner.agent, "member");
    await grantPlatformAdmin(t.deps.db, admin.user.email, new Date());
    const refused = await owner.agent.post(`/api/team/members/${admin.user.id}/password-reset`).expect(403);
    expect(refused.body.error.code).toBe("platform_admin_protected");

    const listedOwner = await signUp(t.app);
    const { token } = await invite(listedOwner.agent, "viewer", "listed-member@example.com");
    const listed = await signUp(t.app, { email: "listed-member@example.com", inviteToken: token });
    await listedOwner.agent.post(`/api/team/members/${listed.user.id}/password-reset`).expect(403);
    const links = await t.deps.db.select().from(accountTokens).where(and(eq(accountTokens.purpose, "password_reset")));
    expect(links.filter((l) => l.userId === admin.user.id || l.userId === listed.user.id)).toEqual([]);
  });
});
