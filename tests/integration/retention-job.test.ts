/** The retention job is a pg-boss queue scheduled every RETENTION_INTERVAL_SECONDS; a job on it runs retention. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import pg from "pg";
import PgBoss from "pg-boss";
import { createTestApp, signUp, testEnv, type TestApp } from "../helpers/app";
import { insertCall } from "../helpers/calls";
import { startJobs } from "../../server/jobs/queue";
import { callLogs, organizations } from "../../server/db/schema";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe("retention on pg-boss", () => {
  it("is scheduled from RETENTION_INTERVAL_SECONDS and deletes what is due when its job runs", async () => {
    const s = await signUp(t.app);
    const org = s.user.organization.id;
    const old = await insertCall(t.deps.db, org, { startedAt: new Date(Date.now() - 10 * 86_400_000) });
    await s.agent.patch("/api/organization").send({ retention: { callsDays: 7 } }).expect(200);

    const env = { ...testEnv({ RETENTION_INTERVAL_SECONDS: "7200", SYNC_INTERVAL_SECONDS: "0" }), encryptionKeys: t.deps.env.encryptionKeys };
    const jobs = await startJobs({ ...t.deps, env, databaseUrl: t.databaseUrl });
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    const boss = new PgBoss({ connectionString: t.databaseUrl, schema: "pgboss" });
    // The test database is dropped at the end: connections closing then are expected.
    boss.on("error", () => {});
    try {
      const schedule = await client.query<{ cron: string }>("select cron from pgboss.schedule where name = 'retention'");
      expect(schedule.rows.map((r) => r.cron)).toEqual(["0 */2 * * *"]);

      await boss.start();
      await boss.send("retention", {});
      await expect
        .poll(async () => (await t.deps.db.select().from(callLogs).where(eq(callLogs.id, old.id))).length, { timeout: 30_000, interval: 250 })
        .toBe(0);
      const [row] = await t.deps.db.select({ at: organizations.retentionLastRunAt, counts: organizations.retentionLastCounts }).from(organizations).where(eq(organizations.id, org));
      expect(row.at).not.toBeNull();
      expect(row.counts).toMatchObject({ calls: 1 });
    } finally {
      await boss.stop({ graceful: true, wait: true, timeout: 5_000 }).catch(() => {});
      await client.end();
      await jobs.stop();
    }
  });
});
