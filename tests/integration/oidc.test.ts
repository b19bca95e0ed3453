import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { and, eq } from "drizzle-orm";
import { createTestApp, signUp, uniqueEmail, type TestApp } from "../helpers/app";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider";
import { auditLog } from "../../server/db/schema";
import { safeReturnTo } from "../../server/services/auth/oidc";

let idp: TestOidcProvider;
let t: TestApp;

beforeAll(async () => {
  idp = await startOidcProvider();
  t = await createTestApp({ env: idp.env });
});
afterAll(async () => {
  await t?.close();
  await idp?.close();
});

type Agent = ReturnType<typeof request.agent>;

let accountCounter = 0;
function newAccount(account: { email?: string; email_verified?: boolean; name?: string } = {}) {
  accountCounter += 1;
  const sub = `subject-${accountCounter}-${Math.random().toString(36).slice(2, 8)}`;
  idp.accounts.set(sub, { email: uniqueEmail("sso"), email_verified: true, name: "Sso Person", ...account });
  return sub;
}

async function startLogin(agent: Agent, query = ""): Promise<string> {
  const res = await agent.get(`/api/auth/login${query}`).expect(302);
  return res.headers.location as string;
}

/** The whole redirect dance; returns the app's answer to the callback. */
async function ssoLogin(agent: Agent, sub: string, query = "") {
  const callback = await idp.authorize(await startLogin(agent, query), sub);
  return agent.get(`${callback.pathname}${callback.search}`);
}

describe("OIDC sign-in", () => {
  it("reports SSO as a provider when configured", async () => {
    const res = await request(t.app).get("/api/auth/providers").expect(200);
    expect(res.body).toEqual({ password: true, oidc: true, devLogin: false, emailConfirmation: false });
  });

  it("redirects to the provider with PKCE S256, state, nonce and the contract's redirect URI", async () => {
    const url = new URL(await startLogin(request.agent(t.app)));
    expect(url.origin).toBe(idp.issuer);
    const p = url.searchParams;
    expect(p.get("client_id")).toBe(idp.clientId);
    expect(p.get("redirect_uri")).toBe("http://app.test/api/auth/callback");
    expect(p.get("response_type")).toBe("code");
    expect(p.get("code_challenge_method")).toBe("S256");
    expect(p.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get("state")?.length).toBeGreaterThanOrEqual(20);
    expect(p.get("nonce")?.length).toBeGreaterThanOrEqual(20);
    expect(p.get("scope")).toContain("openid");
    const other = new URL(await startLogin(request.agent(t.app)));
    expect(other.searchParams.get("state")).not.toBe(p.get("state"));
  });

  it("signs a new person in to a new organization they own, and finds the same user next time", async () => {
    const sub = newAccount({ name: "Ada Lovelace" });
    const agent = request.agent(t.app);
    const first = await ssoLogin(agent, sub);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe("/dashboard");
    const me = (await agent.get("/api/auth/user").expect(200)).body;
    expect(me).toMatchObject({
      email: idp.accounts.get(sub)?.email,
      name: "Ada Lovelace",
      role: "owner",
      isPlatformAdmin: false,
    });
    expect(me.organization.name).toBe("Ada Lovelace's organization");

    const again = request.agent(t.app);
    const second = await ssoLogin(again, sub);
    expect(second.headers.location).toBe("/dashboard");
    const me2 = (await again.get("/api/auth/user").expect(200)).body;
    expect(me2.id).toBe(me.id);
    expect(me2.organization.id).toBe(me.organization.id);

    const signIns = await t.deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorUserId, me.id), eq(auditLog.action, "auth.sign_in")));
    expect(signIns.length).toBe(2);
  });

  it("regenerates the session id at sign-in", async () => {
    const agent = request.agent(t.app);
    const start = await agent.get("/api/auth/login").expect(302);
    const before = String(start.headers["set-cookie"]).split(";")[0];
    const callback = await idp.authorize(start.headers.location as string, newAccount());
    const done = await agent.get(`${callback.pathname}${callback.search}`).expect(302);
    const after = String(done.headers["set-cookie"]).split(";")[0];
    expect(after).toMatch(/^vad\.sid=/);
    expect(after).not.toBe(before);
  });

  it("rejects a tampered state and signs nobody in", async () => {
    const logMark = t.logs.length;
    const agent = request.agent(t.app);
    const callback = await idp.authorize(await startLogin(agent), newAccount());
    const genuine = `${callback.pathname}${callback.search}`;
    callback.searchParams.set("state", "tampered-state-value-0123456789");
    const res = await agent.get(`${callback.pathname}${callback.search}`).expect(302);
    expect(res.headers.location).toBe("/login?error=sso_failed");
    await agent.get("/api/auth/user").expect(401);
    expect(t.logs.slice(logMark).join("")).toContain('unexpected \\"state\\" response parameter value');
    // The attempt is spent: even the genuine callback cannot be used after a tampered one.
    expect((await agent.get(genuine).expect(302)).headers.location).toBe("/login?error=sso_expired");
  });

  it("rejects an ID token whose nonce is not the one this session asked for", async () => {
    const logMark = t.logs.length;
    const agent = request.agent(t.app);
    const authUrl = new URL(await startLogin(agent));
    authUrl.searchParams.set("nonce", "a-nonce-chosen-by-an-attacker-0123");
    const callback = await idp.authorize(authUrl.href, newAccount());
    const res = await agent.get(`${callback.pathname}${callback.search}`).expect(302);
    expect(res.headers.location).toBe("/login?error=sso_failed");
    await agent.get("/api/auth/user").expect(401);
    expect(t.logs.slice(logMark).join("")).toContain('unexpected ID Token \\"nonce\\" claim value');
  });

  it("rejects a callback without a pending sign-in in the session, and a replayed callback", async () => {
    const agent = request.agent(t.app);
    const callback = await idp.authorize(await startLogin(agent), newAccount());
    const path = `${callback.pathname}${callback.search}`;
    await agent.get(path).expect(302, /dashboard/);

    const replayed = await agent.get(path).expect(302);
    expect(replayed.headers.location).toBe("/login?error=sso_expired");

    const stranger = request.agent(t.app);
    const elsewhere = await stranger.get(path).expect(302);
    expect(elsewhere.headers.location).toBe("/login?error=sso_expired");
    await stranger.get("/api/auth/user").expect(401);
    const logs = t.logs.join("");
    expect(logs).not.toContain(callback.searchParams.get("code"));
    expect(logs).not.toContain(idp.clientSecret);
  });

  it("answers a provider error (denied consent) with a redirect to the sign-in page", async () => {
    const agent = request.agent(t.app);
    const state = new URL(await startLogin(agent)).searchParams.get("state") ?? "";
    const res = await agent
      .get(`/api/auth/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(idp.issuer)}`)
      .expect(302);
    expect(res.headers.location).toBe("/login?error=sso_failed");
  });

  it("logs an SSO user out", async () => {
    const agent = request.agent(t.app);
    await ssoLogin(agent, newAccount());
    await agent.get("/api/auth/user").expect(200);
    await agent.post("/api/auth/logout").expect(204);
    await agent.get("/api/auth/user").expect(401);
  });

  it("links a password account only when the provider says the email is verified", async () => {
    const { user: unverifiedOwner } = await signUp(t.app);
    const unverified = request.agent(t.app);
    const refused = await ssoLogin(unverified, newAccount({ email: unverifiedOwner.email, email_verified: false }));
    expect(refused.headers.location).toBe("/login?error=email_not_verified");
    await unverified.get("/api/auth/user").expect(401);
    const failures = await t.deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorUserId, unverifiedOwner.id), eq(auditLog.action, "auth.sign_in_failed")));
    expect(failures.length).toBe(1);

    const { user: verifiedOwner } = await signUp(t.app);
    const verified = request.agent(t.app);
    const sub = newAccount({ email: verifiedOwner.email.toUpperCase(), email_verified: true });
    expect((await ssoLogin(verified, sub)).headers.location).toBe("/dashboard");
    const me = (await verified.get("/api/auth/user").expect(200)).body;
    expect(me.id).toBe(verifiedOwner.id);
    expect(me.organization.id).toBe(verifiedOwner.organization.id);
    // Linked: the same subject signs in to the same user even if the provider later changes the email.
    idp.accounts.set(sub, { email: uniqueEmail("renamed"), email_verified: true });
    const later = request.agent(t.app);
    await ssoLogin(later, sub);
    expect((await later.get("/api/auth/user").expect(200)).body.id).toBe(verifiedOwner.id);
  });

  it("refuses a provider account without an email", async () => {
    const sub = newAccount();
    idp.accounts.set(sub, { name: "No Email" });
    const res = await ssoLogin(request.agent(t.app), sub);
    expect(res.headers.location).toBe("/login?error=sso_email_missing");
  });

  it("returns to a same-origin path only", async () => {
    const a = request.agent(t.app);
    expect(
      (await ssoLogin(a, newAccount(), `?returnTo=${encodeURIComponent("/agents?tab=all")}`)).headers.location,
    ).toBe("/agents?tab=all");
    for (const evil of [
      "https://evil.example/x",
      "//evil.example/x",
      "/\\evil.example",
      "/.//evil.example",
      "javascript:alert(1)",
      "evil",
    ]) {
      const agent = request.agent(t.app);
      const res = await ssoLogin(agent, newAccount(), `?returnTo=${encodeURIComponent(evil)}`);
      expect(res.headers.location, evil).toBe("/dashboard");
    }
  });

  it("keeps returnTo on this origin whatever the path says", () => {
    expect(safeReturnTo("/calls/1#t")).toBe("/calls/1#t");
    expect(safeReturnTo("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example");
    expect(safeReturnTo("/\t/evil.example")).toBe("/dashboard");
    expect(safeReturnTo("/x\\y")).toBe("/dashboard");
    for (const sneaky of ["/.//evil.example", "/a/..//evil.example", "/%2e//evil.example"])
      expect(safeReturnTo(sneaky), sneaky).toBe("/dashboard");
    expect(safeReturnTo(undefined)).toBe("/dashboard");
  });

  it("joins the inviting organization with the invited role when SSO starts with an invite token", async () => {
    const { agent: owner, user: ownerUser } = await signUp(t.app);
    const email = uniqueEmail("invited-sso");
    const invite = await owner.post("/api/team/invitations").send({ email, role: "viewer" }).expect(201);
    const token = new URL(invite.body.inviteUrl).searchParams.get("token") ?? "";
    const agent = request.agent(t.app);
    const res = await ssoLogin(agent, newAccount({ email }), `?inviteToken=${encodeURIComponent(token)}`);
    expect(res.headers.location).toBe("/dashboard");
    const me = (await agent.get("/api/auth/user").expect(200)).body;
    expect(me).toMatchObject({ email, role: "viewer", organization: { id: ownerUser.organization.id } });

    const reused = await ssoLogin(
      request.agent(t.app),
      newAccount({ email: uniqueEmail("other") }),
      `?inviteToken=${encodeURIComponent(token)}`,
    );
    expect(reused.headers.location).toBe("/login?error=invalid_invitation");
  });
});
