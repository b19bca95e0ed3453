import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { createTestApp, signUp, uniqueEmail, type TestApp } from "../helpers/app";
import { eq } from "drizzle-orm";
import { users } from "../../server/db/schema";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { PLATFORM_ADMIN_EMAILS: "boss@example.com" } });
});
afterAll(async () => t.close());

describe("auth", () => {
  it("registers an owner of a new organization and keeps the session", async () => {
    const { agent, user } = await signUp(t.app, { organizationName: "Voice Co" });
    expect(user).toMatchObject({ role: "owner", isPlatformAdmin: false, organization: { name: "Voice Co" } });
    const me = await agent.get("/api/auth/user").expect(200);
    expect(me.body.id).toBe(user.id);
    expect(me.body).not.toHaveProperty("passwordHash");
  });

  it("sets an HttpOnly SameSite=Lax session cookie and a new session id at each sign-in", async () => {
    const email = uniqueEmail();
    const reg = await request(t.app).post("/api/auth/register").send({ email, password: "long enough pw" }).expect(201);
    const first = String(reg.headers["set-cookie"]);
    expect(first).toMatch(/HttpOnly/);
    expect(first).toMatch(/SameSite=Lax/);
    const login = await request(t.app).post("/api/auth/login/password").send({ email, password: "long enough pw" }).expect(200);
    const second = String(login.headers["set-cookie"]);
    expect(second.split(";")[0]).not.toBe(first.split(";")[0]);
  });

  it("rejects a duplicate email with 409 email_taken, whatever its case", async () => {
    const email = uniqueEmail();
    await request(t.app).post("/api/auth/register").send({ email, password: "long enough pw" }).expect(201);
    const res = await request(t.app).post("/api/auth/register").send({ email: email.toUpperCase(), password: "long enough pw" }).expect(409);
    expect(res.body.error.code).toBe("email_taken");
  });

  it("answers 400 with fields for invalid input and stores nothing", async () => {
    const res = await request(t.app).post("/api/auth/register").send({ email: "not-an-email", password: "short" }).expect(400);
    expect(res.body.error.code).toBe("invalid_input");
    expect(Object.keys(res.body.error.fields)).toEqual(expect.arrayContaining(["email", "password"]));
    const bad = await request(t.app).post("/api/auth/register").set("content-type", "application/json").send("{oops").expect(400);
    expect(bad.body.error.code).toBe("invalid_json");
  });

  it("logs in with a password, same 401 for a wrong password or unknown email", async () => {
    const { user, password } = await signUp(t.app);
    await request(t.app).post("/api/auth/login/password").send({ email: user.email, password }).expect(200);
    const wrong = await request(t.app).post("/api/auth/login/password").send({ email: user.email, password: "wrong password!" }).expect(401);
    const unknown = await request(t.app).post("/api/auth/login/password").send({ email: uniqueEmail(), password }).expect(401);
    expect(wrong.body.error).toEqual(unknown.body.error);
    expect(wrong.body.error.code).toBe("invalid_credentials");
  });

  it("logs out and forgets the session", async () => {
    const { agent } = await signUp(t.app);
    await agent.post("/api/auth/logout").expect(204);
    const res = await agent.get("/api/auth/user").expect(401);
    expect(res.body.error.code).toBe("unauthorized");
  });

  it("honours PLATFORM_ADMIN_EMAILS only for a verified email", async () => {
    const { agent, user } = await signUp(t.app, { email: "boss@example.com" });
    expect(user).toMatchObject({ isPlatformAdmin: false, emailVerified: false });
    await agent.get("/api/admin/stats").expect(403);
    await t.deps.db.update(users).set({ emailVerifiedAt: new Date(), emailVerifiedVia: "link" }).where(eq(users.id, user.id));
    expect((await agent.get("/api/auth/user").expect(200)).body).toMatchObject({ isPlatformAdmin: true, emailVerified: true });
    await agent.get("/api/admin/stats").expect(200);
  });

  it("lists providers and hides dev login outside development", async () => {
    const res = await request(t.app).get("/api/auth/providers").expect(200);
    expect(res.body).toEqual({ password: true, oidc: false, devLogin: false, emailConfirmation: false });
    await request(t.app).post("/api/dev-admin-login").expect(404);
  });
});

describe("http basics", () => {
  it("refuses unsafe cross-site requests (csrf) but accepts same-host and APP_URL origins", async () => {
    const body = { email: uniqueEmail(), password: "long enough pw" };
    const res = await request(t.app).post("/api/auth/register").set("Origin", "https://evil.example").send(body).expect(403);
    expect(res.body.error.code).toBe("csrf");
    await request(t.app).post("/api/auth/register").set("Origin", "http://app.test").send(body).expect(201);
  });

  it("compares the Origin's scheme, host and port, not the host alone", async () => {
    const attempt = (origin: string) =>
      request(t.app).post("/api/auth/logout").set("Host", "app.test").set("Origin", origin);
    // APP_URL is http://app.test: its https twin and other ports are other origins.
    for (const origin of ["https://app.test", "http://app.test:8080", "https://app.test:80", "null", "app.test"])
      expect((await attempt(origin)).body.error?.code, origin).toBe("csrf");
    await attempt("http://app.test").expect(204);
    await attempt("http://app.test:80").expect(204);
    // The request's own host, over the scheme it arrived with.
    await request(t.app).post("/api/auth/logout").set("Host", "127.0.0.1:5123").set("Origin", "http://127.0.0.1:5123").expect(204);
    const other = await request(t.app).post("/api/auth/logout").set("Host", "127.0.0.1:5123").set("Origin", "https://127.0.0.1:5123");
    expect(other.body.error.code).toBe("csrf");
  });

  it("answers unknown API routes with a JSON 404", async () => {
    const res = await request(t.app).get("/api/nope").expect(404);
    expect(res.body.error.code).toBe("not_found");
  });

  it("serves healthz, readyz and the OpenAPI document", async () => {
    expect((await request(t.app).get("/healthz").expect(200)).body).toEqual({ status: "ok" });
    await request(t.app).get("/readyz").expect(200);
    const doc = await request(t.app).get("/api/openapi.json").expect(200);
    expect(doc.body.openapi).toBe("3.1.0");
    expect(doc.body.paths["/api/auth/register"].post.requestBody).toBeDefined();
  });

  it("answers 401 without a session", async () => {
    await request(t.app).get("/api/auth/user").expect(401);
  });
});
