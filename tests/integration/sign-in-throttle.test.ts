/**
 * Red-team scenarios of the sign-in throttle (issue 16, DESIGN §12/§13): counted before checked, no lockout of the
 * rightful user, the client address only through TRUST_PROXY, one budget across instances.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { sql } from "drizzle-orm";
import { createApp } from "../../server/app";
import { createDb, createPool } from "../../server/db/client";
import type { AppDeps } from "../../server/deps";
import { createTestApp, signUp, type TestApp } from "../helpers/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const behindProxy = (deps: AppDeps): AppDeps => ({ ...deps, env: { ...deps.env, trustProxyHops: 1 } });
const noSleep = async () => {};

/** Lets every counter's window run out, as if a minute had passed (the library reads Date.now()). */
async function letWindowsPass(seconds: number) {
  await t.deps.db.execute(sql`update rate_limits set expire = expire - ${seconds * 1000} where expire is not null and key not like 'signin-known-address:%'`);
}

function login(app: Awaited<ReturnType<typeof createApp>>, address: string, email: string, password: string) {
  return request(app).post("/api/auth/login/password").set("x-forwarded-for", address).send({ email, password });
}

describe("sign-in throttle", () => {
  it("22 parallel wrong passwords: few are checked, and the rightful user still gets in from their own address", async () => {
    const app = await createApp(behindProxy(t.deps), { rateLimits: true, signInSleep: noSleep });
    const { user, password } = await signUp(t.app);
    // The owner signed in from home before: that address is known for the account.
    expect((await login(app, "198.51.100.10", user.email, password)).status).toBe(200);

    const burst = await Promise.all(Array.from({ length: 22 }, () => login(app, "203.0.113.66", user.email, "wrong password!")));
    const statuses = burst.map((r) => r.status);
    const checked = statuses.filter((s) => s === 401).length;
    // Counted before checked: the parallel burst cannot all pass one check (the old throttle let all 22 through).
    expect(checked).toBeLessThanOrEqual(6);
    expect(statuses.filter((s) => s === 429).length).toBe(22 - checked);
    for (const r of burst.filter((x) => x.status === 429)) expect(r.body.error.code).toBe("too_many_attempts");

    // From their own address, at once.
    const home = await login(app, "198.51.100.10", user.email, password);
    expect(home.status).toBe(200);
    expect(home.body.email).toBe(user.email);
  });

  it("a burst from elsewhere keeps the rightful user out of a new address for at most 60 s", async () => {
    const app = await createApp(behindProxy(t.deps), { rateLimits: true, signInSleep: noSleep });
    const { user, password } = await signUp(t.app);
    await Promise.all(Array.from({ length: 22 }, (_, i) => login(app, `203.0.113.${100 + i}`, user.email, "wrong password!")));

    const refused = await login(app, "192.0.2.44", user.email, password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(60);
    await letWindowsPass(60);
    expect((await login(app, "192.0.2.44", user.email, password)).status).toBe(200);
  });

  it("a guesser at one address is refused there for 15 minutes, the user elsewhere is not", async () => {
    const app = await createApp(behindProxy(t.deps), { rateLimits: true, signInSleep: noSleep });
    const { user, password } = await signUp(t.app);
    expect((await login(app, "198.51.100.20", user.email, password)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await login(app, "203.0.113.20", user.email, "wrong password!")).status);
      await letWindowsPass(60); // the per-minute budgets refill; the 15-minute one for this address does not
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect((await login(app, "203.0.113.20", user.email, password)).status).toBe(429);
    expect((await login(app, "198.51.100.20", user.email, password)).status).toBe(200);
  });

  it("slows down by email and by address, at most 5 s per attempt", async () => {
    const delays: number[] = [];
    const app = await createApp(behindProxy(t.deps), { rateLimits: true, signInSleep: async (ms) => void delays.push(ms) });
    const { user } = await signUp(t.app);
    for (let i = 0; i < 6; i++) await login(app, `203.0.113.${i + 1}`, user.email, "wrong password!");
    // By email: attempts 4-6 from six different addresses waited 250, 500, 1000 ms.
    expect(delays).toEqual([250, 500, 1000]);
    delays.length = 0;
    await letWindowsPass(60);
    for (let i = 0; i < 20; i++) await login(app, "203.0.113.200", `nobody-${i}@example.com`, "wrong password!");
    // By address: from the sixth attempt on, doubling, capped at 5 s.
    expect(delays[0]).toBe(250);
    expect(Math.max(...delays)).toBe(5000);
  });

  it("a forged X-Forwarded-For without TRUST_PROXY changes nothing: the socket address is counted and audited", async () => {
    // Production, where one hop used to be trusted whether or not a proxy stood in front.
    const app = await createApp({ ...t.deps, env: { ...t.deps.env, nodeEnv: "production" } }, { rateLimits: true, signInSleep: noSleep });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await login(app, `10.9.${i}.1`, `forger-${i}@example.com`, "wrong password!");
      statuses.push(res.status);
    }
    // One address (the socket's), 20 attempts a minute, whatever the header says.
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses[20]).toBe(429);

    await letWindowsPass(60);
    const { user, password } = await signUp(t.app);
    await login(app, "10.1.2.3", user.email, "wrong password!").expect(401);
    await login(app, "10.1.2.3", user.email, password).expect(200);
    const rows = await t.deps.db.execute<{ ip: string }>(
      sql`select ip from audit_log where organization_id = ${user.organization.id} and action like 'auth.sign_in%'`,
    );
    expect(rows.rows.map((r) => r.ip)).toEqual(["127.0.0.1", "127.0.0.1"]);
  });

  it("two instances on one database share one sign-in budget", async () => {
    const pool = createPool(t.databaseUrl, 4);
    try {
      const first = await createApp(behindProxy(t.deps), { rateLimits: true, signInSleep: noSleep });
      const second = await createApp(behindProxy({ ...t.deps, db: createDb(pool) }), { rateLimits: true, signInSleep: noSleep });
      const { user } = await signUp(t.app);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const app = i % 2 === 0 ? first : second;
        statuses.push((await login(app, `203.0.113.${150 + i}`, user.email, "wrong password!")).status);
      }
      // Six guesses a minute for the email in all, not six per instance.
      expect(statuses).toEqual([...Array(6).fill(401), ...Array(6).fill(429)]);
    } finally {
      await pool.end();
    }
  });

  it("a successful sign-in does not spend the email's budget", async () => {
    const app = await createApp(behindProxy(t.deps), { rateLimits: true, signInSleep: noSleep });
    const { user, password } = await signUp(t.app);
    for (let i = 0; i < 10; i++) expect((await login(app, `192.0.2.${i + 1}`, user.email, password)).status).toBe(200);
  });
});
