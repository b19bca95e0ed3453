/**
 * Email confirmation with SMTP_URL (issue 16, DESIGN §12): a link after registration, once, for the address it was
 * sent to; the unconfirmed account works normally meanwhile; "send again" replaces the link; nothing without a mail
 * server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { and, eq } from "drizzle-orm";
import { accountTokens, auditLog, users } from "../../server/db/schema";
import { sha256 } from "../../server/lib/crypto";
import { createTestApp, signUp, uniqueEmail, type TestApp } from "../helpers/app";
import { startFakeSmtp } from "../helpers/fake-smtp";
import { mailText, tokenMailedTo } from "../helpers/mail";
import { invite } from "../helpers/team";

let t: TestApp;
let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;

beforeAll(async () => {
  smtp = await startFakeSmtp();
  t = await createTestApp({ env: { SMTP_URL: smtp.url, PLATFORM_ADMIN_EMAILS: "listed-changer@example.com" } });
});
afterAll(async () => {
  await t?.close();
  await smtp?.stop();
});

const confirmations = (email: string) => smtp.messages.filter((m) => m.to.includes(`<${email}>`) && m.data.includes("Confirm your email"));
const confirm = (token: string) => request(t.app).post("/api/auth/confirm-email").send({ token });

describe("email confirmation", () => {
  it("mails a link after registration; the account works unconfirmed; the link confirms once", async () => {
    const { agent, user } = await signUp(t.app);
    expect(user.emailVerified).toBe(false);
    await expect.poll(() => confirmations(user.email).length).toBe(1);
    const token = tokenMailedTo(smtp.messages, user.email, "/confirm-email");
    const [row] = await t.deps.db.select().from(accountTokens).where(eq(accountTokens.userId, user.id));
    expect(row).toMatchObject({ purpose: "email_confirmation", tokenHash: sha256(token), email: user.email });

    // Unconfirmed, everything else works as usual.
    await agent.get("/api/agents").expect(200);
    await agent.get("/api/team/members").expect(200);

    await confirm(token).expect(204);
    expect((await agent.get("/api/auth/user").expect(200)).body.emailVerified).toBe(true);
    expect((await confirm(token).expect(400)).body.error.code).toBe("invalid_token");
    const [entry] = await t.deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, user.organization.id), eq(auditLog.action, "user.email_confirmed")));
    expect(entry).toMatchObject({ actorUserId: user.id, target: user.email });
  });

  it("mails one to an invited person too (an invite link does not prove the address: the inviter holds it as well)", async () => {
    const owner = await signUp(t.app);
    const { email, token } = await invite(owner.agent, "member");
    const { user } = await signUp(t.app, { email, inviteToken: token });
    expect(user.emailVerified).toBe(false);
    await expect.poll(() => confirmations(email).length).toBe(1);
  });

  it("send again replaces the link; a link for an address the account no longer has confirms nothing", async () => {
    const { agent, user } = await signUp(t.app);
    await expect.poll(() => confirmations(user.email).length).toBe(1);
    const first = tokenMailedTo(smtp.messages, user.email, "/confirm-email");
    await agent.post("/api/auth/confirm-email/resend").expect(202);
    await expect.poll(() => confirmations(user.email).length).toBe(2);
    const second = tokenMailedTo(smtp.messages, user.email, "/confirm-email");
    await confirm(first).expect(400);

    await t.deps.db.update(users).set({ email: `changed-${user.email}` }).where(eq(users.id, user.id));
    expect((await confirm(second).expect(400)).body.error.code).toBe("invalid_token");
    expect((await agent.get("/api/auth/user").expect(200)).body.emailVerified).toBe(false);
  });

  it("without SMTP_URL: no link, and send again answers 409 mail_not_configured", async () => {
    const noMail = await createTestApp();
    try {
      const { agent } = await signUp(noMail.app);
      expect(await noMail.deps.db.select().from(accountTokens)).toEqual([]);
      expect((await agent.post("/api/auth/confirm-email/resend").expect(409)).body.error.code).toBe("mail_not_configured");
    } finally {
      await noMail.close();
    }
  });

  it("refuses unknown or malformed tokens with 400", async () => {
    expect((await confirm("not-a-real-token").expect(400)).body.error.code).toBe("invalid_token");
    expect((await confirm("").expect(400)).body.error.code).toBe("invalid_input");
  });
});

describe("changing one's email", () => {
  it("needs the current password, starts the new address unverified with a link to it, and tells the old address", async () => {
    const { agent, user, password } = await signUp(t.app);
    await expect.poll(() => confirmations(user.email).length).toBe(1);
    await confirm(tokenMailedTo(smtp.messages, user.email, "/confirm-email")).expect(204);
    expect((await agent.get("/api/auth/user").expect(200)).body.emailVerified).toBe(true);

    const next = uniqueEmail("changed");
    const wrong = await agent.post("/api/auth/email").send({ email: next, password: "not my password" }).expect(400);
    expect(wrong.body.error.code).toBe("invalid_password");
    const taken = await signUp(t.app);
    expect((await agent.post("/api/auth/email").send({ email: taken.user.email, password }).expect(409)).body.error.code).toBe("email_taken");

    const changed = await agent.post("/api/auth/email").send({ email: next.toUpperCase(), password }).expect(200);
    expect(changed.body).toMatchObject({ email: next, emailVerified: false });
    await expect.poll(() => confirmations(next).length).toBe(1);
    await expect.poll(() => smtp.messages.some((m) => m.to.includes(`<${user.email}>`) && mailText(m).includes(`changed from ${user.email} to ${next}`))).toBe(true);
    await confirm(tokenMailedTo(smtp.messages, next, "/confirm-email")).expect(204);
    expect((await agent.get("/api/auth/user").expect(200)).body).toMatchObject({ email: next, emailVerified: true });
    const [entry] = await t.deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, user.organization.id), eq(auditLog.action, "user.email_changed")));
    expect(entry.target).toBe(`${user.email} -> ${next}`);
    // The old address no longer signs in; the new one does.
    await request(t.app).post("/api/auth/login/password").send({ email: user.email, password }).expect(401);
    await request(t.app).post("/api/auth/login/password").send({ email: next, password }).expect(200);
  });

  it("to a PLATFORM_ADMIN_EMAILS address grants nothing until that address is confirmed", async () => {
    const { agent, password } = await signUp(t.app);
    const changed = await agent.post("/api/auth/email").send({ email: "listed-changer@example.com", password }).expect(200);
    expect(changed.body).toMatchObject({ isPlatformAdmin: false, emailVerified: false });
    await agent.get("/api/admin/stats").expect(403);
    await expect.poll(() => confirmations("listed-changer@example.com").length).toBe(1);
    await confirm(tokenMailedTo(smtp.messages, "listed-changer@example.com", "/confirm-email")).expect(204);
    expect((await agent.get("/api/auth/user").expect(200)).body.isPlatformAdmin).toBe(true);
    // And changing away from it ends it.
    await agent.post("/api/auth/email").send({ email: uniqueEmail("away"), password }).expect(200);
    expect((await agent.get("/api/auth/user").expect(200)).body.isPlatformAdmin).toBe(false);
  });
});
