import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { createApp } from "../../server/app";
import { createTestApp, signUp, testEnv, uniqueEmail, type TestApp } from "../helpers/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe("security headers", () => {
  it("sends a strict Content-Security-Policy without inline scripts, and no framing", async () => {
    const app = await createApp({ ...t.deps, env: { ...t.deps.env, nodeEnv: "local" } });
    const res = await request(app).get("/healthz").expect(200);
    const csp = res.headers["content-security-policy"] as string;
    const directives = Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives["script-src"]).toEqual(["'self'"]);
    expect(directives["default-src"]).toEqual(["'self'"]);
    expect(directives["object-src"]).toEqual(["'none'"]);
    expect(directives["frame-ancestors"]).toEqual(["'none'"]);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });

  it("uses a __Host- session cookie, Secure, in production", async () => {
    const env = testEnv({ NODE_ENV: "production" });
    const app = await createApp({ ...t.deps, env });
    const res = await request(app)
      .post("/api/auth/register")
      .set("x-forwarded-proto", "https")
      .send({ email: uniqueEmail(), password: "correct horse battery", name: "P", organizationName: "Prod" })
      .expect(201);
    const cookie = (res.headers["set-cookie"] as unknown as string[]).find((c) => c.startsWith("__Host-"))!;
    expect(cookie).toMatch(/^__Host-vad\.sid=/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).not.toMatch(/Domain=/);
    expect(res.headers["strict-transport-security"]).toBeDefined();
  });
});

describe("rate limits", () => {
  it("limits registrations per IP", async () => {
    // Behind one proxy hop, so this test's address is its own (counters are shared by every app on the database).
    const app = await createApp({ ...t.deps, env: { ...t.deps.env, trustProxyHops: 1 } }, { rateLimits: true });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await request(app)
        .post("/api/auth/register")
        .set("x-forwarded-for", "203.0.113.77")
        .send({ email: uniqueEmail(), password: "correct horse battery", name: "R", organizationName: "R" });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.body.error.code).toBe("rate_limited");
        expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      }
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
    expect(statuses[10]).toBe(429);
  });

  it("limits key tests per organization", async () => {
    const app = await createApp(t.deps, { rateLimits: true });
    const { agent } = await signUp(app);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await agent.post("/api/integrations/test").send({ provider: "elevenlabs" })).status);
    expect(statuses.slice(0, 20).every((s) => s === 409)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});
