/**
 * The Drizzle schema is the single source (decision 003): `npm run db:push` on an empty database, followed by what
 * start-up does, builds the same schema as the migrations (compared with `pg_dump --schema-only`), and the app works
 * on it, tenant isolation included.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { inject } from "vitest";
import { eq } from "drizzle-orm";
import { createDb, createPool } from "../../server/db/client";
import { runMigrations } from "../../server/db/migrate";
import { provisionAppRole } from "../../server/db/app-role";
import { organizations, users } from "../../server/db/schema";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { openTestDatabase } from "../helpers/db";
import { newestPgDump, schemaDump, serverMajor, startCluster, type Cluster, type PgDump } from "../helpers/pg-dump";
import { withDatabase } from "../helpers/url";

const root = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

let dump: PgDump;
let cluster: Cluster | null = null;
let serverUrl: string;
let migratedUrl: string;
let pushedUrl: string;

async function createDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return withDatabase(serverUrl, name);
}

/** What start-up does after the migrations or a push (server/index.ts): the tenant role kept in step. */
async function provision(url: string) {
  const pool = createPool(url, 2);
  try {
    await provisionAppRole(createDb(pool), url);
  } finally {
    await pool.end();
  }
}

beforeAll(async () => {
  const found = newestPgDump();
  if (!found) throw new Error("pg_dump is needed for this test (Debian: apt-get install postgresql-client)");
  dump = found;
  serverUrl = inject("adminUrl");
  if ((await serverMajor(serverUrl)) > dump.major) {
    // The run's server is newer than any pg_dump here: compare on a cluster of pg_dump's own version.
    cluster = await startCluster(dump.dir);
    serverUrl = cluster.url;
  }
  const suffix = `${process.pid}_${Date.now().toString(36)}`;
  migratedUrl = await createDatabase(`vad_schema_migrated_${suffix}`);
  pushedUrl = await createDatabase(`vad_schema_pushed_${suffix}`);

  const pool = createPool(migratedUrl, 2);
  await runMigrations(createDb(pool));
  await pool.end();
  await provision(migratedUrl);

  await run("npm", ["run", "db:push", "--", "--force"], { cwd: root, env: { ...process.env, DATABASE_URL: pushedUrl } });
  await provision(pushedUrl);
}, 180_000);

afterAll(async () => {
  if (cluster) return cluster.stop();
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  for (const url of [migratedUrl, pushedUrl].filter(Boolean)) await admin.query(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`).catch(() => {});
  await admin.end();
});

describe("npm run db:push", () => {
  it("builds the schema the migrations build (pg_dump --schema-only)", () => {
    const migrated = schemaDump(dump, migratedUrl);
    const pushed = schemaDump(dump, pushedUrl);
    // Sanity: the things only custom SQL used to say are there.
    expect(migrated).toMatch(/INCLUDE \(elevenlabs_agent_id, duration_seconds, call_successful, cost_credits\)/);
    expect(migrated).toMatch(/CREATE POLICY call_logs_tenant ON public\.call_logs TO vad_app USING \(\(organization_id = /);
    expect(migrated).toMatch(/GRANT SELECT,INSERT ON TABLE public\.audit_log TO vad_app;/);
    expect(pushed).toBe(migrated);
  });

  describe("and the app on the pushed database", () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ database: openTestDatabase(pushedUrl) });
    });
    afterAll(async () => {
      await t.close();
    });

    it("signs up, reads and writes as the tenant, and keeps organizations apart", async () => {
      const a = await signUp(t.app, { organizationName: "Pushed A" });
      const b = await signUp(t.app, { organizationName: "Pushed B" });
      await a.agent.patch("/api/organization").send({ name: "Renamed A" }).expect(200);
      expect((await a.agent.get("/api/call-logs").query({ q: "refund" }).expect(200)).body).toEqual({ data: [], nextCursor: null });
      await a.agent.get("/api/analytics/organization").expect(200);
      expect((await a.agent.get("/api/team/members").expect(200)).body.data).toHaveLength(1);
      // Row-level security holds for a query without its organization filter.
      const seenByB = await t.deps.tenantDb(b.user.organization.id).select().from(users);
      expect(seenByB.map((u) => u.email)).toEqual([b.user.email]);
      const [orgA] = await t.deps.db.select().from(organizations).where(eq(organizations.id, a.user.organization.id));
      expect(orgA.name).toBe("Renamed A");
    });
  });
});
