import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { eq } from "drizzle-orm";
import { createTestApp, signUp, uniqueEmail, type TestApp } from "../helpers/app";
import { invite, joinAs } from "../helpers/team";
import { invitations } from "../../server/db/schema";
import { sha256 } from "../../server/lib/crypto";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe("invitations", () => {
  it("creates an invite link whose token is stored only as a hash, and lets the invitee join with the role", async () => {
    const { agent: owner, user: ownerUser } = await signUp(t.app);
    const email = uniqueEmail("colleague");
    const res = await owner
      .post("/api/team/invitations")
      .send({ email: email.toUpperCase(), role: "admin" })
      .expect(201);
    const url = new URL(res.body.inviteUrl);
    expect(`${url.origin}${url.pathname}`).toBe("http://app.test/register");
    const token = url.searchParams.get("token") ?? "";
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(res.body.invitation).toMatchObject({ email, role: "admin" });
    expect(Date.parse(res.body.invitation.expiresAt)).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);

    const [row] = await t.deps.db.select().from(invitations).where(eq(invitations.id, res.body.invitation.id));
    expect(row.tokenHash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(t.logs.join("")).not.toContain(token);

    const list = await owner.get("/api/team/members").expect(200);
    expect(list.body.invitations.map((i: { email: string }) => i.email)).toContain(email);

    const { user } = await signUp(t.app, { email, inviteToken: token });
    expect(user).toMatchObject({ role: "admin", organization: { id: ownerUser.organization.id } });
    const after = await owner.get("/api/team/members").expect(200);
    expect(after.body.data.map((m: { email: string }) => m.email)).toEqual([ownerUser.email, email]);
    expect(after.body.invitations).toEqual([]);

    const reused = await request(t.app)
      .post("/api/auth/register")
      .send({ email: uniqueEmail(), password: "long enough pw", inviteToken: token })
      .expect(400);
    expect(reused.body.error.code).toBe("invalid_invitation");
  });

  it("refuses an expired token, a token for another email, and an unknown token, creating no account", async () => {
    const { agent: owner } = await signUp(t.app);
    const wrongEmail = await invite(owner, "member");
    const res = await request(t.app)
      .post("/api/auth/register")
      .send({ email: uniqueEmail(), password: "long enough pw", inviteToken: wrongEmail.token })
      .expect(400);
    expect(res.body.error.code).toBe("invalid_invitation");
    // The invitation survives a failed attempt with another email.
    await signUp(t.app, { email: wrongEmail.email, inviteToken: wrongEmail.token });

    const expired = await invite(owner, "member");
    await t.deps.db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.id, expired.invitationId));
    const late = await request(t.app)
      .post("/api/auth/register")
      .send({ email: expired.email, password: "long enough pw", inviteToken: expired.token })
      .expect(400);
    expect(late.body.error.code).toBe("invalid_invitation");
    const unknown = await request(t.app)
      .post("/api/auth/register")
      .send({ email: uniqueEmail(), password: "long enough pw", inviteToken: "nope" })
      .expect(400);
    expect(unknown.body.error.code).toBe("invalid_invitation");
    const login = await request(t.app)
      .post("/api/auth/login/password")
      .send({ email: expired.email, password: "long enough pw" });
    expect(login.status).toBe(401);
  });

  it("replaces a pending invitation when the same email is invited again, and revokes", async () => {
    const { agent: owner } = await signUp(t.app);
    const email = uniqueEmail("twice");
    const first = await invite(owner, "viewer", email);
    const second = await invite(owner, "member", email);
    const list = await owner.get("/api/team/members").expect(200);
    expect(list.body.invitations).toHaveLength(1);
    expect(list.body.invitations[0]).toMatchObject({ email, role: "member" });
    const old = await request(t.app)
      .post("/api/auth/register")
      .send({ email, password: "long enough pw", inviteToken: first.token })
      .expect(400);
    expect(old.body.error.code).toBe("invalid_invitation");

    await owner.delete(`/api/team/invitations/${second.invitationId}`).expect(204);
    await owner.delete(`/api/team/invitations/${second.invitationId}`).expect(404);
    expect((await owner.get("/api/team/members").expect(200)).body.invitations).toEqual([]);
    const revoked = await request(t.app)
      .post("/api/auth/register")
      .send({ email, password: "long enough pw", inviteToken: second.token })
      .expect(400);
    expect(revoked.body.error.code).toBe("invalid_invitation");
  });

  it("refuses to invite a current member (409 already_member), and invites an address with an account elsewhere like a new one", async () => {
    const { agent: owner, user } = await signUp(t.app);
    const self = await owner.post("/api/team/invitations").send({ email: user.email, role: "admin" }).expect(409);
    expect(self.body.error.code).toBe("already_member");
    // Issue 16: a different answer would tell any admin which addresses have an account somewhere (enumeration).
    const { user: stranger } = await signUp(t.app);
    const elsewhere = await owner.post("/api/team/invitations").send({ email: stranger.email, role: "admin" });
    const fresh = await owner.post("/api/team/invitations").send({ email: uniqueEmail("fresh"), role: "admin" });
    expect(elsewhere.status).toBe(201);
    expect(fresh.status).toBe(201);
    expect(Object.keys(elsewhere.body).sort()).toEqual(Object.keys(fresh.body).sort());
    expect(Object.keys(elsewhere.body.invitation).sort()).toEqual(Object.keys(fresh.body.invitation).sort());
    // Resolved at acceptance: the person has an account already, so registering with the invite is refused there.
    const token = new URL(elsewhere.body.inviteUrl as string).searchParams.get("token");
    const accept = await request(t.app)
      .post("/api/auth/register")
      .send({ email: stranger.email, password: "long enough pw", inviteToken: token })
      .expect(409);
    expect(accept.body.error.code).toBe("email_taken");
    const bad = await owner.post("/api/team/invitations").send({ email: "nope", role: "boss" }).expect(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(expect.arrayContaining(["email", "role"]));
  });

  it("lets only owners invite owners", async () => {
    const { agent: owner } = await signUp(t.app);
    const { agent: admin } = await joinAs(t.app, owner, "admin");
    const res = await admin.post("/api/team/invitations").send({ email: uniqueEmail(), role: "owner" }).expect(403);
    expect(res.body.error.code).toBe("owner_required");
    await admin.post("/api/team/invitations").send({ email: uniqueEmail(), role: "member" }).expect(201);
    await owner.post("/api/team/invitations").send({ email: uniqueEmail(), role: "owner" }).expect(201);
  });

  it("shows pending invitations to managers only", async () => {
    const { agent: owner } = await signUp(t.app);
    const { agent: viewer } = await joinAs(t.app, owner, "viewer");
    await invite(owner, "member");
    expect((await owner.get("/api/team/members").expect(200)).body.invitations).toHaveLength(1);
    const seen = (await viewer.get("/api/team/members").expect(200)).body;
    expect(seen.data).toHaveLength(2);
    expect(seen.invitations).toEqual([]);
  });
});

describe("members", () => {
  it("changes roles and keeps at least one owner", async () => {
    const { agent: owner, user: ownerUser } = await signUp(t.app);
    const { user: member } = await joinAs(t.app, owner, "member");
    const changed = await owner.patch(`/api/team/members/${member.id}`).send({ role: "admin" }).expect(200);
    expect(changed.body).toMatchObject({ id: member.id, role: "admin" });

    const demoteSelf = await owner.patch(`/api/team/members/${ownerUser.id}`).send({ role: "admin" }).expect(409);
    expect(demoteSelf.body.error.code).toBe("last_owner");
    const removeSelf = await owner.delete(`/api/team/members/${ownerUser.id}`).expect(409);
    expect(removeSelf.body.error.code).toBe("last_owner");

    await owner.patch(`/api/team/members/${member.id}`).send({ role: "owner" }).expect(200);
    await owner.patch(`/api/team/members/${ownerUser.id}`).send({ role: "viewer" }).expect(200);
    const me = await owner.get("/api/auth/user").expect(200);
    expect(me.body.role).toBe("viewer");
    await owner.patch(`/api/team/members/${member.id}`).send({ role: "viewer" }).expect(403);
  });

  it("never lets two owners demote each other into an ownerless organization", async () => {
    const { agent: a, user: ua } = await signUp(t.app);
    const { agent: b, user: ub } = await joinAs(t.app, a, "owner");
    const results = await Promise.all([
      a.patch(`/api/team/members/${ub.id}`).send({ role: "member" }),
      b.patch(`/api/team/members/${ua.id}`).send({ role: "member" }),
    ]);
    // The loser sees either the last-owner rule (409) or, if its request started after its own demotion, 403.
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const members = (await a.get("/api/team/members")).body.data;
    expect(members.filter((m: { role: string }) => m.role === "owner")).toHaveLength(1);
  });

  it("does not let an admin promote to owner, demote or remove an owner", async () => {
    const { agent: owner, user: ownerUser } = await signUp(t.app);
    const { agent: admin } = await joinAs(t.app, owner, "admin");
    const { user: member } = await joinAs(t.app, owner, "member");
    expect(
      (await admin.patch(`/api/team/members/${member.id}`).send({ role: "owner" }).expect(403)).body.error.code,
    ).toBe("owner_required");
    expect(
      (await admin.patch(`/api/team/members/${ownerUser.id}`).send({ role: "member" }).expect(403)).body.error.code,
    ).toBe("owner_required");
    expect((await admin.delete(`/api/team/members/${ownerUser.id}`).expect(403)).body.error.code).toBe(
      "owner_required",
    );
    await admin.patch(`/api/team/members/${member.id}`).send({ role: "viewer" }).expect(200);
  });

  it("removes a member, who is signed out at once", async () => {
    const { agent: owner } = await signUp(t.app);
    const { agent: member, user } = await joinAs(t.app, owner, "member");
    await member.get("/api/auth/user").expect(200);
    await owner.delete(`/api/team/members/${user.id}`).expect(204);
    await member.get("/api/auth/user").expect(401);
    await owner.delete(`/api/team/members/${user.id}`).expect(404);
    const list = await owner.get("/api/team/members").expect(200);
    expect(list.body.data.map((m: { id: string }) => m.id)).not.toContain(user.id);
  });

  it("another organization can neither see nor change members or invitations (404)", async () => {
    const { agent: owner } = await signUp(t.app);
    const { user: member } = await joinAs(t.app, owner, "member");
    const pending = await invite(owner, "viewer");
    const { agent: other } = await signUp(t.app);
    const list = await other.get("/api/team/members").expect(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.invitations).toEqual([]);
    await other.patch(`/api/team/members/${member.id}`).send({ role: "viewer" }).expect(404);
    await other.delete(`/api/team/members/${member.id}`).expect(404);
    await other.delete(`/api/team/invitations/${pending.invitationId}`).expect(404);
    await other.patch(`/api/team/members/not-a-uuid`).send({ role: "viewer" }).expect(404);
    const mine = await owner.get("/api/team/members").expect(200);
    expect(mine.body.data.find((m: { id: string }) => m.id === member.id).role).toBe("member");
    expect(mine.body.invitations).toHaveLength(1);
  });
});

describe("audit log", () => {
  it("records sign-ins, failures, invitations and role changes; owners and admins page through it", async () => {
    const { agent: owner, user: ownerUser, password } = await signUp(t.app);
    await request(t.app)
      .post("/api/auth/login/password")
      .send({ email: ownerUser.email, password: "wrong password!" })
      .expect(401);
    await request(t.app).post("/api/auth/login/password").send({ email: ownerUser.email, password }).expect(200);
    const { agent: admin, user: adminUser } = await joinAs(t.app, owner, "admin");
    const pending = await invite(owner, "viewer");
    await owner.delete(`/api/team/invitations/${pending.invitationId}`).expect(204);
    await owner.patch(`/api/team/members/${adminUser.id}`).send({ role: "member" }).expect(200);
    await owner.patch(`/api/team/members/${adminUser.id}`).send({ role: "admin" }).expect(200);

    const all = (await owner.get("/api/team/audit-log?limit=100").expect(200)).body;
    expect(all.nextCursor).toBeNull();
    const actions = all.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "user.registered",
        "auth.sign_in_failed",
        "auth.sign_in",
        "invitation.created",
        "invitation.accepted",
        "invitation.revoked",
        "member.role_changed",
      ]),
    );
    const roleChange = all.data.find((e: { action: string }) => e.action === "member.role_changed");
    expect(roleChange).toMatchObject({
      actorUserId: ownerUser.id,
      actorEmail: ownerUser.email,
      target: `${adminUser.email}: member -> admin`,
    });
    const times = all.data.map((e: { createdAt: string }) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; nextCursor: string | null } = (
        await admin.get(`/api/team/audit-log?limit=3${cursor ? `&cursor=${cursor}` : ""}`).expect(200)
      ).body;
      expect(page.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.data.map((e: { id: string }) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.data.map((e: { id: string }) => e.id));

    const bad = await owner.get("/api/team/audit-log?cursor=garbage").expect(400);
    expect(bad.body.error.code).toBe("invalid_input");
    await owner.get("/api/team/audit-log?limit=0").expect(400);

    const { agent: member } = await joinAs(t.app, owner, "member");
    await member.get("/api/team/audit-log").expect(403);
    const { agent: other } = await signUp(t.app);
    const foreign = (await other.get("/api/team/audit-log").expect(200)).body.data;
    expect(foreign.every((e: { actorUserId: string }) => e.actorUserId !== ownerUser.id)).toBe(true);
  });
});
