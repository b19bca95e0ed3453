/**
 * Unhandled database errors are logged without the statement's values (issue 16): parameters can hold personal data.
 * The SQL text and the SQLSTATE stay, so the log still says what failed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { sql } from "drizzle-orm";
import { createApp } from "../../server/app";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const PERSONAL = "jane.doe.private@example.com";

describe("unhandled database errors in the log", () => {
  it("keep the SQL and the code, never the parameters, nor PostgreSQL's echo of them", async () => {
    // Routes that fail the way a bug would: parameters PostgreSQL refuses and quotes back in its message.
    const app = await createApp(t.deps, {
      serveClient: (express) => {
        express.get("/boom/cast", async (_req, _res, next) => {
          await t.deps.db.execute(sql`select ${PERSONAL}::int as n`).catch(next);
        });
        express.get("/boom/range", async (_req, _res, next) => {
          await t.deps.db.execute(sql`select ${`${PERSONAL} 2026-13-45`}::timestamptz as t`).catch(next);
        });
      },
    });
    const before = t.logs.length;
    for (const path of ["/boom/cast", "/boom/range"]) {
      const res = await request(app).get(path).expect(500);
      expect(res.body.error.code).toBe("internal_error");
      expect(res.text).not.toContain(PERSONAL);
    }
    const lines = t.logs.slice(before).join("");
    expect(lines).toContain("unhandled error");
    expect(lines).toContain("::int as n"); // the statement is still there
    expect(lines).toContain("22P02"); // and its SQLSTATE
    expect(lines).not.toContain(PERSONAL);
    expect(lines).not.toContain("jane.doe");
  });

  it("does not echo values from a unique violation's detail", async () => {
    const app = await createApp(t.deps, {
      serveClient: (express) => {
        express.get("/boom/duplicate", async (_req, _res, next) => {
          await t.deps.db
            .transaction(async (tx) => {
              await tx.execute(sql`create temporary table dup (email text unique) on commit drop`);
              await tx.execute(sql`insert into dup values (${PERSONAL}), (${PERSONAL})`);
            })
            .catch(next);
        });
      },
    });
    const before = t.logs.length;
    await request(app).get("/boom/duplicate").expect(500);
    const lines = t.logs.slice(before).join("");
    expect(lines).toContain("23505");
    expect(lines).toContain("dup_email_key");
    expect(lines).not.toContain(PERSONAL);
  });
});
