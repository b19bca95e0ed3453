/**
 * Tenant reads go to PostgreSQL in one round trip (begin, scope, the read with its values written in as literals,
 * commit). These check that the literals are exactly the values, whatever they hold, and that the scope still holds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, gte, inArray, sql } from "drizzle-orm";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { insertCall } from "../helpers/calls";
import { callLogs } from "../../server/db/schema";
import { inlineParameters, tenantDb } from "../../server/db/tenant";

let t: TestApp;
let orgA: string;
let orgB: string;

const HOSTILE = [
  "it's",
  "'; drop table call_logs; --",
  "back\\slash \\' quote",
  "$1 and $2",
  'double "quoted"',
  "E'escaped'",
  "dollar $$ quoted $tag$",
  "ünïcødé 😀 \u2028",
  "/* not a comment */ -- nor this",
];

beforeAll(async () => {
  t = await createTestApp();
  orgA = (await signUp(t.app)).user.organization.id;
  orgB = (await signUp(t.app)).user.organization.id;
  for (const title of HOSTILE) {
    await insertCall(t.deps.db, orgA, { summaryTitle: title, durationSeconds: 42 });
    await insertCall(t.deps.db, orgB, { summaryTitle: title, durationSeconds: 42 });
  }
});
afterAll(async () => {
  await t.close();
});

describe("one-round-trip tenant reads", () => {
  it("inline a typical read's values, and refuse what they cannot read with certainty", () => {
    const query = tenantDb(t.deps.db, orgA)
      .select({ id: callLogs.id })
      .from(callLogs)
      .where(and(eq(callLogs.summaryTitle, "it's"), gte(callLogs.durationSeconds, 5)))
      .toSQL();
    expect(inlineParameters(query.sql, query.params)).toMatch(/"summary_title" = 'it''s' and "call_logs"."duration_seconds" >= '5'/);
    expect(inlineParameters("select $1", [Buffer.from("x")])).toBeNull();
    expect(inlineParameters("select $$ $1 $$", ["x"])).toBeNull();
    expect(inlineParameters("select E'\\'' || $1", ["x"])).toBeNull();
    expect(inlineParameters("select 1 -- $1", ["x"])).toBeNull();
    expect(inlineParameters("select '$1', \"$2\", $1", ["x", "y"])).toBe("select '$1', \"$2\", 'x'");
    expect(inlineParameters("select $1, $10", ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"])).toBe("select 'a', 'j'");
    expect(inlineParameters("select $2", ["a"])).toBeNull();
    expect(inlineParameters("select x$1 from t where y = $1", ["a"])).toBe("select x$1 from t where y = 'a'");
    expect(inlineParameters("select $1", [null])).toBe("select NULL");
  });

  it("find each hostile value exactly, only in the caller's organization", async () => {
    const db = tenantDb(t.deps.db, orgA);
    for (const title of HOSTILE) {
      const rows = await db.select({ title: callLogs.summaryTitle, org: callLogs.organizationId }).from(callLogs).where(eq(callLogs.summaryTitle, title));
      expect(rows, title).toEqual([{ title, org: orgA }]);
    }
    const all = await db.select({ title: callLogs.summaryTitle }).from(callLogs).where(inArray(callLogs.summaryTitle, HOSTILE));
    expect(all.map((r) => r.title).sort()).toEqual([...HOSTILE].sort());
    // Forgetting the organization filter still cannot reach B's copies: the scope came in the same round trip.
    const [{ n }] = await db.select({ n: sql<number>`count(*)` }).from(callLogs);
    expect(n).toBe(HOSTILE.length);
  });

  it("types literals as PostgreSQL types parameters (numbers, dates, json, null, booleans)", async () => {
    const db = tenantDb(t.deps.db, orgA);
    const since = new Date(Date.now() - 86_400_000);
    const [row] = await db
      .execute<{ a: number; b: string; c: unknown; d: string; e: null; f: boolean }>(
        sql`select ${41}::int + 1 as a, (${since}::timestamptz < now())::text as b, ${JSON.stringify({ k: "v'" })}::jsonb as c,
               ${1.5}::numeric * 2 as d, ${null}::text as e, ${true}::boolean as f`,
      )
      .then((r) => r.rows);
    expect(row).toEqual({ a: 42, b: "true", c: { k: "v'" }, d: "3.0", e: null, f: true });
  });

  it("leave the connection usable after a failed read", async () => {
    const db = tenantDb(t.deps.db, orgA);
    await expect(db.execute(sql`select 1 / ${0}::int`)).rejects.toThrow();
    const rows = await db.select({ id: callLogs.id }).from(callLogs).where(eq(callLogs.summaryTitle, "it's"));
    expect(rows).toHaveLength(1);
    const [{ role }] = (await t.deps.db.execute<{ role: string }>(sql`select current_user as role`)).rows;
    expect(role).not.toBe("vad_app");
  });
});
