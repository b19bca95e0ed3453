/**
 * The second wall (decision 003): tenant work logs in as vad_app, and row-level security scopes every statement
 * to the organization of its transaction, whatever the query forgot and whatever the connection tries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { insertAgent, insertCall } from "../helpers/calls";
import { agents, auditLog, callLogs, integrations, invitations, organizations, sessions, users } from "../../server/db/schema";
import { tenantCtx } from "../../server/tenant-context";
import type { Ctx } from "../../server/services/context";
import { recordAudit } from "../../server/services/audit/record-audit";

let t: TestApp;
let orgA: string;
let orgB: string;

/** Code under test: a service that forgot its organization_id filter, as a buggy one would be written. */
async function everythingAServiceCanSee(ctx: Ctx) {
  return {
    calls: await ctx.db.select().from(callLogs),
    agents: await ctx.db.select().from(agents),
    users: await ctx.db.select().from(users),
    organizations: await ctx.db.select().from(organizations),
    audit: await ctx.db.select().from(auditLog),
    sessions: await ctx.db.select().from(sessions),
  };
}

/** PostgreSQL's own error, under Drizzle's wrapper. */
const denied = (pattern: RegExp) => ({ cause: { code: "42501", message: expect.stringMatching(pattern) } });

beforeAll(async () => {
  t = await createTestApp();
  orgA = (await signUp(t.app)).user.organization.id;
  orgB = (await signUp(t.app)).user.organization.id;
  const agentA = await insertAgent(t.deps.db, orgA, { name: "A's agent" });
  for (let i = 0; i < 3; i++) await insertCall(t.deps.db, orgA, { agent: agentA, summaryTitle: "A's secret call" });
  await insertCall(t.deps.db, orgB, { summaryTitle: "B's call" });
});
afterAll(async () => {
  await t.close();
});

describe("row-level security", () => {
  it("gives a service that forgot its filter its own organization's rows only, in every table", async () => {
    const seen = await everythingAServiceCanSee(tenantCtx(t.deps, orgB));
    expect(seen.calls.map((c) => c.summaryTitle)).toEqual(["B's call"]);
    expect(seen.agents).toEqual([]);
    expect(seen.users.every((u) => u.organizationId === orgB)).toBe(true);
    expect(seen.users).toHaveLength(1);
    expect(seen.organizations.map((o) => o.id)).toEqual([orgB]);
    expect(seen.audit.length).toBeGreaterThan(0);
    expect(seen.audit.every((a) => a.organizationId === orgB)).toBe(true);
    // B's owner is signed in: one session, B's own (A's sessions are not visible).
    expect(seen.sessions).toHaveLength(1);
    const asA = await everythingAServiceCanSee(tenantCtx(t.deps, orgA));
    expect(asA.calls).toHaveLength(3);
    expect(asA.agents.map((a) => a.name)).toEqual(["A's agent"]);
  });

  it("applies inside transactions, and refuses writes into another organization", async () => {
    const asB = t.deps.tenantDb(orgB);
    await asB.transaction(async (tx) => {
      expect(await tx.select().from(callLogs).where(eq(callLogs.organizationId, orgA))).toEqual([]);
      const updated = await tx.update(callLogs).set({ summaryTitle: "hijacked" }).where(eq(callLogs.organizationId, orgA)).returning();
      expect(updated).toEqual([]);
      expect(await tx.delete(users).where(eq(users.organizationId, orgA)).returning()).toEqual([]);
    });
    await expect(asB.insert(integrations).values({ organizationId: orgA, provider: "elevenlabs" })).rejects.toMatchObject(denied(/row-level security/));
    await expect(asB.insert(invitations).values({ organizationId: orgA, email: "x@example.com", role: "admin", tokenHash: "h", expiresAt: new Date() })).rejects.toMatchObject(
      denied(/row-level security/),
    );
    const titles = (await t.deps.db.select().from(callLogs).where(eq(callLogs.organizationId, orgA))).map((c) => c.summaryTitle);
    expect(titles).toEqual(["A's secret call", "A's secret call", "A's secret call"]);
  });

  it("keeps audit_log append-only for the tenant role", async () => {
    const asA = t.deps.tenantDb(orgA);
    await recordAudit(asA, { organizationId: orgA, action: "test.appended" });
    const [entry] = await asA.select().from(auditLog).where(eq(auditLog.action, "test.appended"));
    expect(entry.organizationId).toBe(orgA);
    await expect(asA.update(auditLog).set({ action: "test.rewritten" }).where(eq(auditLog.id, entry.id))).rejects.toMatchObject(denied(/permission denied/));
    await expect(asA.delete(auditLog).where(eq(auditLog.id, entry.id))).rejects.toMatchObject(denied(/permission denied/));
    await expect(asA.execute(sql`truncate audit_log`)).rejects.toMatchObject(denied(/permission denied|must be owner/));
    expect((await t.deps.db.select().from(auditLog).where(eq(auditLog.id, entry.id)))[0].action).toBe("test.appended");
  });

  it("lets a tenant change only what a tenant manages on users and organizations", async () => {
    const asA = t.deps.tenantDb(orgA);
    const [owner] = await asA.select().from(users);
    await expect(asA.update(users).set({ isPlatformAdmin: true }).where(eq(users.id, owner.id))).rejects.toMatchObject(denied(/permission denied/));
    await expect(asA.update(users).set({ email: "taken@example.com" }).where(eq(users.id, owner.id))).rejects.toMatchObject(denied(/permission denied/));
    await expect(asA.insert(users).values({ organizationId: orgA, email: "new@example.com", role: "owner" })).rejects.toMatchObject(denied(/permission denied/));
    await expect(asA.update(organizations).set({ webhookToken: "guessable" }).where(eq(organizations.id, orgA))).rejects.toMatchObject(denied(/permission denied/));
    await expect(asA.delete(organizations).where(eq(organizations.id, orgA))).rejects.toMatchObject(denied(/permission denied/));
    // What the product lets owners do still works: rename, reprice, change a role.
    const renamed = await asA.update(organizations).set({ name: "Renamed" }).where(eq(organizations.id, orgB)).returning();
    expect(renamed).toEqual([]);
    await asA.update(organizations).set({ name: "Renamed A" }).where(eq(organizations.id, orgA));
    expect((await t.deps.db.select().from(organizations).where(eq(organizations.id, orgA)))[0].name).toBe("Renamed A");
  });

  it("shows nothing on a tenant connection with no organization set", async () => {
    const client = await tenantPool().connect();
    try {
      const { rows } = await client.query("select (select count(*) from call_logs)::int as calls, (select count(*) from users)::int as users");
      expect(rows[0]).toEqual({ calls: 0, users: 0 });
    } finally {
      client.release();
    }
  });

  it("cannot leave its role: RESET ROLE, SET ROLE and SET SESSION AUTHORIZATION change nothing", async () => {
    const client = await tenantPool().connect();
    try {
      await client.query("begin");
      await client.query("select set_config('app.organization_id', $1, true)", [orgB]);
      await client.query("reset role");
      const after = await client.query("select current_user as role, (select count(*) from call_logs)::int as calls");
      expect(after.rows[0]).toEqual({ role: "vad_app", calls: 1 });
      await client.query("savepoint s");
      await expect(client.query("set role postgres")).rejects.toMatchObject({ code: "42501" });
      await client.query("rollback to savepoint s");
      // The tables' owner, by name from the catalog (SET takes no parameters).
      const owner = "(select pg_get_userbyid(relowner) from pg_class where relname = 'call_logs')";
      await expect(client.query(`do $$ begin execute format('set role %I', ${owner}); end $$`)).rejects.toMatchObject({ code: "42501" });
      await client.query("rollback to savepoint s");
      await expect(client.query(`do $$ begin execute format('set session authorization %I', ${owner}); end $$`)).rejects.toMatchObject({ code: "42501" });
      await client.query("rollback");
    } finally {
      client.release();
    }
  });

  it("leaves no organization behind on a pooled connection", async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => t.deps.tenantDb(i % 2 ? orgA : orgB).select().from(callLogs)));
    const pool = tenantPool();
    const seen = await Promise.all(Array.from({ length: 8 }, () => pool.query<{ org: string | null }>("select current_setting('app.organization_id', true) as org")));
    for (const r of seen) expect(r.rows[0].org || null).toBeNull();
  });

  it("logs in as a role that is neither superuser nor owner, member of no role", async () => {
    const { rows } = await tenantPool().query<{ who: string; session: string; rolsuper: boolean; rolbypassrls: boolean; owns: boolean; member_of: number }>(`
      select current_user as who, session_user as session, r.rolsuper, r.rolbypassrls,
             exists (select 1 from pg_class c where c.relowner = r.oid) as owns,
             (select count(*) from pg_auth_members m where m.member = r.oid)::int as member_of
      from pg_roles r where r.rolname = current_user`);
    expect(rows[0]).toEqual({ who: "vad_app", session: "vad_app", rolsuper: false, rolbypassrls: false, owns: false, member_of: 0 });
  });

  it("has a policy for the tenant role on every table it may touch, and row-level security on every tenant table", async () => {
    const { rows } = await t.deps.db.execute<{ relname: string; rls: boolean; policies: number; privileges: number; tenant: boolean }>(sql`
      select c.relname, c.relrowsecurity as rls,
             (select count(*) from pg_policy p where p.polrelid = c.oid and 'vad_app'::regrole = any (p.polroles))::int as policies,
             (select count(*) from information_schema.role_table_grants g
                where g.grantee = 'vad_app' and g.table_schema = 'public' and g.table_name = c.relname)::int as privileges,
             exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'organization_id' and not a.attisdropped) as tenant
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
      order by 1`);
    expect(rows.length).toBeGreaterThanOrEqual(11);
    for (const r of rows) {
      if (r.tenant) expect(r, r.relname).toMatchObject({ rls: true });
      if (r.privileges > 0) expect(r, r.relname).toMatchObject({ rls: true, policies: expect.any(Number) });
      if (r.privileges > 0) expect(r.policies, r.relname).toBeGreaterThan(0);
    }
    expect(rows.find((r) => r.relname === "organizations")).toMatchObject({ rls: true, policies: 1 });
    // History's search reads call_search under the table's name, with any filter: it must have every column.
    const columns = async (table: string) =>
      (await t.deps.db.execute<{ c: string }>(sql`select attname as c from pg_attribute where attrelid = ${table}::regclass and attnum > 0 and not attisdropped order by attnum`)).rows.map((r) => r.c);
    expect((await columns("call_search")).sort()).toEqual((await columns("call_logs")).sort());
    expect(rows.find((r) => r.relname === "users")).toMatchObject({ rls: true, policies: 1 });
  });
});

const tenantPool = () => t.tenantPool;
