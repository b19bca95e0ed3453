import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { insertAgent, insertCall } from "../helpers/calls";
import { agents, callLogs, integrations } from "../../server/db/schema";
import { tenantDb } from "../../server/db/tenant";
import { systemCtx } from "../../server/lib/context";

let t: TestApp;
let orgA: string;
let orgB: string;

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
  it("hides other organizations' rows from a query that forgot its organization_id filter", async () => {
    // Deliberately unscoped queries, as a buggy service would write them.
    const asB = systemCtx(t.deps, orgB).db;
    const calls = await asB.select().from(callLogs);
    expect(calls.map((c) => c.summaryTitle)).toEqual(["B's call"]);
    expect(await asB.select().from(agents)).toEqual([]);
    const [{ n }] = await asB.select({ n: sql<number>`count(*)` }).from(callLogs);
    expect(n).toBe(1);
    // The same unscoped query as A sees exactly A's rows.
    expect((await tenantDb(t.deps.db, orgA).select().from(callLogs)).every((c) => c.organizationId === orgA)).toBe(true);
  });

  it("also applies inside transactions, and refuses writes into another organization", async () => {
    const asB = tenantDb(t.deps.db, orgB);
    await asB.transaction(async (tx) => {
      expect(await tx.select().from(callLogs).where(eq(callLogs.organizationId, orgA))).toEqual([]);
      const updated = await tx.update(callLogs).set({ summaryTitle: "hijacked" }).where(eq(callLogs.organizationId, orgA)).returning();
      expect(updated).toEqual([]);
    });
    await expect(asB.insert(integrations).values({ organizationId: orgA, provider: "elevenlabs" })).rejects.toMatchObject({ cause: { code: "42501", message: expect.stringMatching(/row-level security/) } });
    const titles = (await t.deps.db.select().from(callLogs).where(eq(callLogs.organizationId, orgA))).map((c) => c.summaryTitle);
    expect(titles).toEqual(["A's secret call", "A's secret call", "A's secret call"]);
  });

  it("shows nothing when no organization is set", async () => {
    const client = await t.deps.db.$client.connect();
    try {
      await client.query("begin; set local role vad_app");
      const { rows } = await client.query("select count(*)::int as n from call_logs");
      expect(rows[0].n).toBe(0);
      await client.query("rollback");
    } finally {
      client.release();
    }
  });

  it("leaves no role or organization behind on the pooled connection", async () => {
    const pool = t.deps.db.$client;
    // Fill the pool with connections that have served tenant queries.
    await Promise.all(Array.from({ length: 8 }, (_, i) => tenantDb(t.deps.db, i % 2 ? orgA : orgB).select().from(callLogs)));
    const seen = await Promise.all(
      Array.from({ length: 8 }, () => pool.query<{ role: string; org: string | null }>("select current_user as role, current_setting('app.organization_id', true) as org")),
    );
    for (const r of seen) {
      expect(r.rows[0].role).not.toBe("vad_app");
      expect(r.rows[0].org || null).toBeNull();
    }
  });

  it("runs tenant work as a role that is neither superuser nor owner, on forced RLS", async () => {
    const role = await t.deps.db.execute<{ rolsuper: boolean; rolbypassrls: boolean }>(sql`select rolsuper, rolbypassrls from pg_roles where rolname = 'vad_app'`);
    expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
    const tables = await t.deps.db.execute<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; owner: string }>(sql`
      select c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) as owner
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' and exists (
        select 1 from information_schema.columns col where col.table_name = c.relname and col.column_name = 'organization_id' and col.table_schema = 'public')
      and c.relname <> 'users'`);
    expect(tables.rows.length).toBeGreaterThanOrEqual(8);
    for (const r of tables.rows) {
      expect(r, r.relname).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
      expect(r.owner).not.toBe("vad_app");
    }
  });
});
