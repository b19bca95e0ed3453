/**
 * Child process: the baselines. A bare Express app with a `pg` pool of the same size as the app's:
 * POST /ingest stores the JSON body in one table; GET /history runs the hand-written History SQL.
 * No auth, no signature, no tenant transaction, no logging: the floor the app is compared with.
 */
import express from "express";
import pg from "pg";
import { historySql, type HistoryParams } from "./history-sql";
import { serveToParent } from "./http";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const app = express();

app.post("/ingest", express.json({ limit: "60mb" }), async (req, res, next) => {
  try {
    await pool.query("insert into bench_baseline_events (payload) values ($1)", [req.body]);
    res.json({ received: true });
  } catch (err) {
    next(err);
  }
});

app.get("/history", async (req, res, next) => {
  try {
    const params = JSON.parse(String(req.query.p)) as HistoryParams;
    const { rows } = await pool.query(historySql(params));
    const page = rows.slice(0, params.limit);
    const last = page.at(-1) as { cursor_started_at: string; id: string } | undefined;
    res.json({ data: page, nextCursor: rows.length > params.limit && last ? [last.cursor_started_at, last.id] : null });
  } catch (err) {
    next(err);
  }
});

serveToParent(app, pool);
