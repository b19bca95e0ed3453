/**
 * Child process: the baselines, with a `pg` pool of the same size as the app's:
 * POST /ingest-hmac (bare node:http, DESIGN.md §15): checks the ElevenLabs signature (HMAC-SHA256 of "<t>.<raw
 * body>" with BENCH_WEBHOOK_SECRET) and inserts the JSON in one table; POST /ingest stores a JSON body without a
 * signature (Express); GET /history runs the hand-written History SQL.
 * No auth, no tenant transaction, no logging: the floor the app is compared with.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type http from "node:http";
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

const secret = process.env.BENCH_WEBHOOK_SECRET ?? "";

async function ingestSigned(req: http.IncomingMessage, res: http.ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  const header = String(req.headers["elevenlabs-signature"] ?? "");
  const t = /(?:^|,)t=(\d+)/.exec(header)?.[1];
  const v0 = /(?:^|,)v0=([0-9a-f]{64})/.exec(header)?.[1];
  const expected = t ? createHmac("sha256", secret).update(`${t}.`).update(body).digest() : null;
  if (!expected || !v0 || !timingSafeEqual(expected, Buffer.from(v0, "hex"))) {
    res.writeHead(401).end();
    return;
  }
  try {
    await pool.query("insert into bench_baseline_events (payload) values ($1::jsonb)", [body.toString("utf8")]);
    res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
  } catch {
    res.writeHead(503).end();
  }
}

serveToParent((req, res) => (req.method === "POST" && req.url === "/ingest-hmac" ? void ingestSigned(req, res) : app(req, res)), pool);
