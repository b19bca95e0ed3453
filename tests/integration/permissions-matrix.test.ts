/**
 * Every route of the router, called by every role: what the permission map in shared/permissions.ts allows must
 * not be refused, what it does not allow must be 403. Generic over app.locals.routes, so new routes are covered
 * the day they are added, and a signed-in route without a permission fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { randomUUID } from "node:crypto";
import { can, PERMISSIONS, ROLES, type Role } from "@shared/permissions";
import type { AnyRouteDef } from "../../server/routes/api-router";
import { grantPlatformAdmin } from "../../server/services/auth/platform-admins";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { invite } from "../helpers/team";

type Agent = ReturnType<typeof request.agent>;
type Caller = { email: string; password: string; agent: Agent };

/** Routes any signed-in person may call whatever their role. Keep this list short and obvious. */
const ANY_SIGNED_IN = new Set([
  "get /auth/user", // who am I
  "get /organization", // the caller's own organization's name and price per minute, shown to every member
  "get /organization/retention", // what retention will delete and when it last ran, shown on Settings to every member
  "post /auth/confirm-email/resend", // one's own address: every member confirms their email
  "post /auth/email", // one's own address: every member may change it (with their password)
]);

const PLATFORM_ADMIN_EMAIL = `platform-${randomUUID().slice(0, 8)}@example.com`;

let t: TestApp;
let routes: AnyRouteDef[];
const callers = {} as Record<Role | "platformAdmin", Caller>;

const key = (def: AnyRouteDef) => `${def.method} ${def.path}`;

/** A plausible concrete path: every parameter becomes a random UUID (a foreign or missing id is a 404, never a 403). */
function concretePath(def: AnyRouteDef): string {
  return `/api${def.path.replace(/:(\w+)/g, () => randomUUID()).replace(/\*\w*/g, randomUUID())}`;
}

async function login(email: string, password: string): Promise<Agent> {
  const agent = request.agent(t.app);
  await agent.post("/api/auth/login/password").send({ email, password }).expect(200);
  return agent;
}

async function call(caller: Caller, def: AnyRouteDef) {
  const path = concretePath(def);
  const req = caller.agent[def.method](path);
  const res = def.method === "get" ? await req : await req.send({});
  // Some routes end the session (logout): sign back in so the next route is called as the same person.
  if ((await caller.agent.get("/api/auth/user")).status === 401)
    caller.agent = await login(caller.email, caller.password);
  return { path, status: res.status, code: (res.body as { error?: { code?: string } })?.error?.code };
}

beforeAll(async () => {
  t = await createTestApp({ env: { PLATFORM_ADMIN_EMAILS: PLATFORM_ADMIN_EMAIL } });
  routes = t.app.locals.routes as AnyRouteDef[];
  const owner = await signUp(t.app);
  callers.owner = { email: owner.user.email, password: owner.password, agent: owner.agent };
  for (const role of ["admin", "member", "viewer"] as const) {
    const { email, token } = await invite(owner.agent, role);
    const joined = await signUp(t.app, { email, inviteToken: token });
    expect(joined.user.role).toBe(role);
    callers[role] = { email, password: joined.password, agent: joined.agent };
  }
  const admin = await signUp(t.app, { email: PLATFORM_ADMIN_EMAIL });
  // A listed address signed up with a password is not an admin until verified or granted (DESIGN §12).
  expect(admin.user.isPlatformAdmin).toBe(false);
  await grantPlatformAdmin(t.deps.db, PLATFORM_ADMIN_EMAIL, new Date());
  expect((await admin.agent.get("/api/auth/user").expect(200)).body.isPlatformAdmin).toBe(true);
  callers.platformAdmin = { email: PLATFORM_ADMIN_EMAIL, password: admin.password, agent: admin.agent };
});
afterAll(async () => t?.close());

describe("permission matrix", () => {
  it("sees the whole router", () => {
    expect(routes.length).toBeGreaterThan(10);
    const keys = routes.map(key);
    expect(keys).toEqual(
      expect.arrayContaining(["get /team/members", "patch /team/members/:id", "get /auth/callback", "post /agents"]),
    );
  });

  it("every signed-in route names a permission from the map (or is an explicit any-signed-in route)", () => {
    const missing = routes
      .filter((def) => def.access === "user" && !def.permission && !ANY_SIGNED_IN.has(key(def)))
      .map(key);
    expect(
      missing,
      "routes with access 'user' but no permission: add one to the route, or to ANY_SIGNED_IN if truly for everyone",
    ).toEqual([]);
    const unknown = routes.filter((def) => def.permission && !(def.permission in PERMISSIONS)).map(key);
    expect(unknown).toEqual([]);
    for (const allowed of ANY_SIGNED_IN)
      expect(routes.map(key), `stale ANY_SIGNED_IN entry ${allowed}`).toContain(allowed);
  });

  it("refuses every non-public route without a session (401)", async () => {
    const failures: string[] = [];
    for (const def of routes.filter((d) => d.access !== "public")) {
      const req = request(t.app)[def.method](concretePath(def));
      const res = def.method === "get" ? await req : await req.send({});
      if (res.status !== 401) failures.push(`${key(def)} -> ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  for (const role of ROLES) {
    it(`gives ${role} exactly what the permission map allows on every route`, async () => {
      const failures: string[] = [];
      let denied = 0;
      for (const def of routes) {
        const { status, code } = await call(callers[role], def);
        if (status === 403) denied += 1;
        const seen = `${key(def)} -> ${status}${code ? ` ${code}` : ""}`;
        if (status === 500) failures.push(`${seen} (never a 500 for a plausible request)`);
        if (def.access === "platformAdmin") {
          if (status !== 403) failures.push(`${seen}, expected 403 (platform admins only)`);
        } else if (def.access === "user") {
          // A route with neither a permission nor an ANY_SIGNED_IN entry already fails the test above.
          if (!def.permission && !ANY_SIGNED_IN.has(key(def))) continue;
          const allowed = def.permission ? can(role, def.permission) : true;
          if (allowed && (status === 401 || status === 403))
            failures.push(`${seen}, expected it to be allowed (${def.permission ?? "any signed-in"})`);
          if (!allowed && status !== 403)
            failures.push(`${seen}, expected 403 (${def.permission} is not granted to ${role})`);
        }
      }
      expect(failures).toEqual([]);
      // The matrix is not vacuous: lower roles are actually refused something.
      const refusable = routes.filter(
        (d) => d.access === "platformAdmin" || (d.permission && !can(role, d.permission)),
      ).length;
      expect(denied).toBeGreaterThanOrEqual(refusable);
      if (role === "viewer") expect(refusable).toBeGreaterThan(5);
    });
  }

  it("lets a platform admin through platform-admin routes", async () => {
    const failures: string[] = [];
    for (const def of routes.filter((d) => d.access === "platformAdmin")) {
      const { status } = await call(callers.platformAdmin, def);
      if (status === 401 || status === 403 || status === 500) failures.push(`${key(def)} -> ${status}`);
    }
    expect(failures).toEqual([]);
  });

  it("uses the roles' real sessions (sanity: the callers are who they claim)", async () => {
    for (const role of ROLES) {
      const me = await callers[role].agent.get("/api/auth/user").expect(200);
      expect(me.body.role).toBe(role);
    }
  });
});
