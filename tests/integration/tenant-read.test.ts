/**
 * Tenant statements go to PostgreSQL with real parameters (begin, scope, statement, commit pipelined in one round
 * trip): values, however hostile, are data, and the scope still holds.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, gte, inArray, sql } from "drizzle-orm";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { insertCall } from "../helpers/calls";
import { callLogs } from "../../server/db/schema";
import { createTenantPool } from "../../server/db/connect";
import { tenantDbs } from "../../server/db/tenant";
import { derivedAppUrl } from "../../server/db/app-role";

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
  // A multi-byte sequence whose last byte is a backslash in some client encodings (the old literal-inlining's hole).
  "\u00bf\\' or 1=1 --",
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

describe("tenant statements", () => {
  it("find each hostile value exactly, only in the caller's organization", async () => {
    const db = t.deps.tenantDb(orgA);
    for (const title of HOSTILE) {
      const rows = await db.select({ title: callLogs.summaryTitle, org: callLogs.organizationId }).from(callLogs).where(and(eq(callLogs.summaryTitle, title), gte(callLogs.durationSeconds, 5)));
      expect(rows, title).toEqual([{ title, org: orgA }]);
    }
    const all = await db.select({ title: callLogs.summaryTitle }).from(callLogs).where(inArray(callLogs.summaryTitle, HOSTILE));
    expect(all.map((r) => r.title).sort()).toEqual([...HOSTILE].sort());
    const [{ n }] = await db.select({ n: sql<number>`count(*)` }).from(callLogs);
    expect(n).toBe(HOSTILE.length);
  });

  it("send values as parameters, typed by PostgreSQL (numbers, dates, json, null, booleans)", async () => {
    const db = t.deps.tenantDb(orgA);
    const since = new Date(Date.now() - 86_400_000);
    const [row] = await db
      .execute<{ a: number; b: string; c: unknown; d: string; e: null; f: boolean }>(
        sql`select ${41}::int + 1 as a, (${since}::timestamptz < now())::text as b, ${JSON.stringify({ k: "v'" })}::jsonb as c,
               ${1.5}::numeric * 2 as d, ${null}::text as e, ${true}::boolean as f`,
      )
      .then((r) => r.rows);
    expect(row).toEqual({ a: 42, b: "true", c: { k: "v'" }, d: "3.0", e: null, f: true });
  });

  it("refuse a NUL byte as PostgreSQL refuses it (a clean error, the connection still usable)", async () => {
    const db = t.deps.tenantDb(orgA);
    await expect(db.select().from(callLogs).where(eq(callLogs.summaryTitle, "nul\u0000byte"))).rejects.toMatchObject({ cause: { code: "22021" } });
    await expect(db.execute(sql`select 1 / ${0}::int`)).rejects.toThrow();
    const rows = await db.select({ id: callLogs.id }).from(callLogs).where(eq(callLogs.summaryTitle, "it's"));
    expect(rows).toHaveLength(1);
  });

  it("take one round trip for a statement: begin, scope, statement and commit are written before any answer", async () => {
    // A proxy in front of PostgreSQL that holds every answer back 30 ms and records who spoke when.
    const target = new URL(t.databaseUrl);
    const events: string[] = [];
    const proxy = net.createServer((client) => {
      const server = net.connect(Number(target.port || 5432), target.hostname);
      client.on("data", (chunk) => {
        events.push("C");
        server.write(chunk);
      });
      server.on("data", (chunk) =>
        setTimeout(() => {
          events.push("S");
          client.write(chunk);
        }, 30),
      );
      client.on("close", () => server.destroy());
      server.on("close", () => client.destroy());
      client.on("error", () => {});
      server.on("error", () => {});
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const url = new URL(derivedAppUrl(t.databaseUrl));
    url.host = `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    const pool = createTenantPool(url.toString(), 1);
    try {
      const db = tenantDbs(pool)(orgA);
      await db.select({ id: callLogs.id }).from(callLogs).limit(1); // connects (startup and authentication)
      events.length = 0;
      const rows = await db.select({ title: callLogs.summaryTitle }).from(callLogs).where(eq(callLogs.summaryTitle, "it's"));
      expect(rows).toEqual([{ title: "it's" }]);
      // Every byte the client sent came before the first answer: it never waited in between.
      const firstAnswer = events.indexOf("S");
      expect(firstAnswer).toBeGreaterThan(0);
      expect(events.slice(firstAnswer)).not.toContain("C");
    } finally {
      await pool.end();
      proxy.close();
    }
  });
});
