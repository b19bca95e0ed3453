/**
 * Webhook ingestion (issue 14, DESIGN.md §8 and §15), the app (with its projector running) against a bare node:http
 * server that checks the same HMAC and inserts the JSON in one table, same PostgreSQL, same load generator:
 * 1. acknowledged deliveries per second at BENCH_INGEST_CONCURRENCY (16) senders of 40-turn transcripts, in
 *    alternating rounds (each side starts with a drained inbox), ratio = median of the rounds' ratios;
 * 2. after each app round (a burst at full speed), the time until every acknowledged call is in call_logs (what
 *    GET /api/call-logs reads), and the projector's throughput (calls built per second) against the baseline's
 *    insert rate;
 * 3. at a steady BENCH_STEADY_RATE (100) deliveries/s, delivery-to-visible latency (p50, p95);
 * 4. the app's peak RSS while 10 audio deliveries of BENCH_AUDIO_MB (50) MB each arrive at once with a junk flood
 *    (bad signatures on the shared URL, unknown tokens with large bodies).
 */
import http from "node:http";
import { createHmac, randomBytes } from "node:crypto";
import { config } from "../config";
import { fmt, type BenchContext, type ResultRow, type ScenarioResult } from "../context";
import { percentile, rssMb, runLoad, sampleRss, type LoadResult, type Req } from "../http";
import { signatureHeader } from "../../server/elevenlabs/webhook-signature";
import { makeConversation } from "../../tests/fake-elevenlabs/server";
import { createAgents } from "../load-data";
import { registerOwner } from "../setup";

const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const CONCURRENCY = num("BENCH_INGEST_CONCURRENCY", 16);
const ROUNDS = num("BENCH_INGEST_ROUNDS", 3);
const STEADY_RATE = num("BENCH_STEADY_RATE", 100);
const STEADY_SECONDS = num("BENCH_STEADY_SECONDS", config.scale >= 0.5 ? 20 : 8);
const AUDIO_MB = num("BENCH_AUDIO_MB", 50);
const AUDIO_DELIVERIES = 10;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POSTs a body given in parts (the big shared part is never copied) and resolves with the status. */
function postParts(baseUrl: string, path: string, headers: Record<string, string>, parts: Buffer[]): Promise<number> {
  const url = new URL(baseUrl);
  const length = parts.reduce((n, p) => n + p.length, 0);
  return new Promise((resolve) => {
    const req = http.request({ host: url.hostname, port: url.port, method: "POST", path, agent: false, headers: { ...headers, "content-length": length } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(0)); // a refusal before the body closes the connection
    (async () => {
      for (const p of parts) if (!req.write(p)) await new Promise((r) => req.once("drain", r));
      req.end();
    })().catch(() => resolve(0));
  });
}

export async function ingestionScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const pool = ctx.database.pool;
  // Its own organization, set up as a customer would: register, then save the key and the webhook secret.
  const owner = await registerOwner(ctx.appClient, "Ingest Co");
  const secret = ctx.webhookSecret;
  const saved = await ctx.appClient.send({
    method: "POST",
    path: "/api/integrations",
    headers: { cookie: owner.cookie, "content-type": "application/json" },
    body: JSON.stringify({ provider: "elevenlabs", apiKey: ctx.fakeKey, webhookSecret: secret }),
  });
  if (saved.status !== 200 && saved.status !== 201) throw new Error(`saving the integration failed: ${saved.status} ${saved.body}`);
  const { rows } = await pool.query<{ webhook_token: string }>("select webhook_token from organizations where id = $1", [owner.organizationId]);
  const token = rows[0].webhook_token;
  const agents = await createAgents(pool, owner.organizationId, 1, "ingest");
  const agentId = agents.elevenlabsIds[0];

  const template = JSON.stringify({
    type: "post_call_transcription",
    event_timestamp: Math.floor(Date.now() / 1000),
    data: makeConversation(agentId, { turns: 40, conversation_id: "__CONV__", durationSecs: 312 }),
  });
  const bodyBytes = Buffer.byteLength(template);
  const runId = randomBytes(3).toString("hex");
  let n = 0;
  const nextId = () => `conv_ingest_${runId}_${++n}`;
  const body = (id: string) => template.replace("__CONV__", id);
  const appReq = (id = nextId()): Req => {
    const b = body(id);
    return { method: "POST", path: `/api/webhooks/elevenlabs/${token}`, headers: { "content-type": "application/json", "elevenlabs-signature": signatureHeader(secret, b) }, body: b };
  };
  const baseReq = (): Req => {
    const b = body(nextId());
    return { method: "POST", path: "/ingest-hmac", headers: { "content-type": "application/json", "elevenlabs-signature": signatureHeader(secret, b) }, body: b };
  };
  const pending = async () =>
    (await pool.query<{ n: number }>("select count(*)::int as n from webhook_events where organization_id = $1 and state = 'pending'", [owner.organizationId])).rows[0].n;
  const calls = async () => (await pool.query<{ n: number }>("select count(*)::int as n from call_logs where organization_id = $1", [owner.organizationId])).rows[0].n;
  /** Waits until the inbox is drained; returns the seconds it took (from `since`). */
  const drained = async (since: number, limitSeconds = 120) => {
    while ((await pending()) > 0) {
      if (performance.now() - since > limitSeconds * 1000) return Infinity;
      await sleep(50);
    }
    return (performance.now() - since) / 1000;
  };

  const rssIdle = rssMb(ctx.app.pid);
  // Warm-up: JIT, pools and caches on both sides.
  await runLoad(ctx.appClient, 4, 1, appReq);
  await runLoad(ctx.baselineClient, 4, 1, baseReq);
  await drained(performance.now());

  // 1 and 2: alternating rounds; each app round is a burst, then the projector catches up.
  const rounds: Array<{ app: LoadResult; baseline: LoadResult; ratio: number; visibleAfterBurstS: number; builtPerSecond: number }> = [];
  let peak = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const before = await calls();
    const sampler = sampleRss(ctx.app.pid);
    const start = performance.now();
    const app = await runLoad(ctx.appClient, CONCURRENCY, config.ingestSeconds, appReq);
    const burstEnd = performance.now();
    const total = await drained(start);
    peak = Math.max(peak, sampler.stop());
    const built = (await calls()) - before;
    const visibleAfterBurstS = Number.isFinite(total) ? total - (burstEnd - start) / 1000 : Infinity;
    const baseline = await runLoad(ctx.baselineClient, CONCURRENCY, config.ingestSeconds, baseReq);
    rounds.push({ app, baseline, ratio: app.rps / baseline.rps, visibleAfterBurstS, builtPerSecond: built / total });
    ctx.log(`  round ${r + 1}: app ${app.rps.toFixed(0)}/s (${app.errors} errors), baseline ${baseline.rps.toFixed(0)}/s, all visible ${visibleAfterBurstS.toFixed(1)} s after the burst, ${built} built`);
  }

  // 3: a steady rate, open loop; each delivery's acknowledgement-to-visible time, polled every 25 ms.
  const sentAt = new Map<string, number>();
  const visibleMs: number[] = [];
  let steadyErrors = 0;
  const steadyStart = performance.now();
  const steadyEnd = steadyStart + STEADY_SECONDS * 1000;
  let polling = true;
  const poller = (async () => {
    while (polling || sentAt.size > 0) {
      const ids = [...sentAt.keys()];
      if (ids.length) {
        const seen = await pool.query<{ conversation_id: string }>("select conversation_id from call_logs where organization_id = $1 and conversation_id = any($2::text[])", [owner.organizationId, ids]);
        const now = performance.now();
        for (const { conversation_id: id } of seen.rows) {
          visibleMs.push(now - sentAt.get(id)!);
          sentAt.delete(id);
        }
      }
      if (!polling && performance.now() - steadyEnd > 30_000) break;
      await sleep(25);
    }
  })();
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; performance.now() < steadyEnd; i++) {
    const due = steadyStart + (i * 1000) / STEADY_RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const id = nextId();
    const t = performance.now();
    inFlight.push(
      ctx.appClient.send(appReq(id)).then(
        (res) => (res.status === 200 ? void sentAt.set(id, t) : void steadyErrors++),
        () => void steadyErrors++,
      ),
    );
  }
  await Promise.all(inFlight);
  polling = false;
  await poller;
  visibleMs.sort((a, b) => a - b);
  const neverSeen = sentAt.size;

  // 4: RSS while 10 large audio deliveries and a junk flood arrive together.
  const audioB64 = Buffer.from(randomBytes(Math.floor((AUDIO_MB * 1024 * 1024 * 3) / 4) - 300).toString("base64"));
  const audioPosts = Array.from({ length: AUDIO_DELIVERIES }, (_, i) => {
    const head = Buffer.from(`{"type":"post_call_audio","event_timestamp":${Math.floor(Date.now() / 1000)},"data":{"agent_id":"${agentId}","conversation_id":"conv_audio_${runId}_${i}","full_audio":"`);
    const tail = Buffer.from(`"}}`);
    const t = Math.floor(Date.now() / 1000);
    const v0 = createHmac("sha256", secret).update(`${t}.`).update(head).update(audioB64).update(tail).digest("hex");
    return () => postParts(ctx.app.url, `/api/webhooks/elevenlabs/${token}`, { "content-type": "application/json", "elevenlabs-signature": `t=${t},v0=${v0}` }, [head, audioB64, tail]);
  });
  const junkSmall = Buffer.from(JSON.stringify({ type: "post_call_transcription", data: { agent_id: agentId, conversation_id: "conv_junk", filler: "x".repeat(900_000) } }));
  const junkLarge = Buffer.alloc(AUDIO_MB * 1024 * 1024, 0x61);
  const junkSignature = `t=${Math.floor(Date.now() / 1000)},v0=${"0".repeat(64)}`;
  let flooding = true;
  let junkSent = 0;
  const junkAnswers = new Map<number, number>();
  const flood = Array.from({ length: 8 }, async (_, w) => {
    while (flooding) {
      const status =
        w % 4 === 3
          ? await postParts(ctx.app.url, `/api/webhooks/elevenlabs/unknown${randomBytes(8).toString("hex")}`, { "content-type": "application/json", "elevenlabs-signature": junkSignature }, [junkLarge])
          : await postParts(ctx.app.url, "/api/webhooks/elevenlabs", { "content-type": "application/json", "elevenlabs-signature": junkSignature }, [junkSmall]);
      junkSent++;
      junkAnswers.set(status, (junkAnswers.get(status) ?? 0) + 1);
    }
  });
  const audioSampler = sampleRss(ctx.app.pid, 50);
  const audioStart = performance.now();
  const audioStatuses = await Promise.all(audioPosts.map((post) => post()));
  const audioSeconds = (performance.now() - audioStart) / 1000;
  flooding = false;
  await Promise.all(flood);
  const audioPeak = audioSampler.stop();

  const out: ResultRow[] = [];
  const ratio = median(rounds.map((r) => r.ratio));
  const app = rounds.map((r) => r.app);
  const base = rounds.map((r) => r.baseline);
  const errors = app.reduce((s, r) => s + r.errors, 0);
  out.push({
    scenario: "ingestion",
    case: `acknowledged at ${CONCURRENCY} senders, ${ROUNDS} alternating rounds of ${config.ingestSeconds} s${errors ? ` (${errors} errors: ${app.find((r) => r.firstError)?.firstError})` : ""}`,
    value: `${median(app.map((r) => r.rps)).toFixed(0)} req/s, p50 ${fmt(median(app.map((r) => r.p50)))}, p99 ${fmt(median(app.map((r) => r.p99)))}`,
    baseline: `${median(base.map((r) => r.rps)).toFixed(0)} req/s, p50 ${fmt(median(base.map((r) => r.p50)))}, p99 ${fmt(median(base.map((r) => r.p99)))} (node:http, HMAC + insert)`,
    ratio: `${ratio.toFixed(2)}x (rounds: ${rounds.map((r) => r.ratio.toFixed(2)).join(", ")})`,
    target: "≥ 0.8x",
    met: ratio >= 0.8 && errors === 0,
  });
  const worstVisible = Math.max(...rounds.map((r) => r.visibleAfterBurstS));
  out.push({
    scenario: "ingestion",
    case: `every acknowledged call in call_logs after a ${config.ingestSeconds} s burst`,
    value: `${rounds.map((r) => `${r.visibleAfterBurstS.toFixed(1)} s`).join(", ")} after the burst ended`,
    target: "≤ 30 s",
    met: worstVisible <= 30,
  });
  const built = median(rounds.map((r) => r.builtPerSecond));
  const baselineRps = median(base.map((r) => r.rps));
  out.push({
    scenario: "ingestion",
    case: "projector throughput (calls built per second, burst start to drained)",
    value: `${built.toFixed(0)} calls/s`,
    baseline: `${baselineRps.toFixed(0)} inserts/s`,
    ratio: `${(built / baselineRps).toFixed(2)}x`,
    met: null,
  });
  out.push({
    scenario: "ingestion",
    case: `steady ${STEADY_RATE} deliveries/s for ${STEADY_SECONDS} s: acknowledgement to visible${steadyErrors ? ` (${steadyErrors} not acknowledged)` : ""}${neverSeen ? ` (${neverSeen} never seen)` : ""}`,
    value: `p50 ${fmt(percentile(visibleMs, 50))}, p95 ${fmt(percentile(visibleMs, 95))}, max ${fmt(visibleMs.at(-1) ?? NaN)} (${visibleMs.length} calls)`,
    target: "p95 < 1 s",
    met: percentile(visibleMs, 95) < 1000 && steadyErrors === 0 && neverSeen === 0,
  });
  out.push({
    scenario: "ingestion",
    case: "app RSS under the transcription bursts (peak)",
    value: `${peak.toFixed(0)} MB (idle before: ${rssIdle.toFixed(0)} MB)`,
    target: "< 400 MB",
    met: peak < 400,
  });
  const audioOk = audioStatuses.filter((s) => s === 200).length;
  out.push({
    scenario: "ingestion",
    case: `app RSS: ${AUDIO_DELIVERIES} concurrent ${AUDIO_MB} MB audio deliveries + junk flood (${junkSent} junk posts: ${[...junkAnswers].map(([s, c]) => `${c}× ${s || "cut"}`).join(", ")})`,
    value: `${audioPeak.toFixed(0)} MB peak; ${audioOk}/${AUDIO_DELIVERIES} stored in ${audioSeconds.toFixed(1)} s`,
    target: "< 400 MB",
    met: audioPeak < 400 && audioOk === AUDIO_DELIVERIES,
  });
  const notes = [
    `Body: ${bodyBytes.toLocaleString("en")} bytes (40 turns). The baseline is a bare node:http handler: HMAC-SHA256 of "<t>.<body>", then one insert of the JSON (jsonb) into a table with a primary key. The app runs its inbox projector in the same process (two cores shared by both servers, the load generator and PostgreSQL). Visibility is read from call_logs, the table GET /api/call-logs reads.`,
  ];
  return { name: "ingestion", rows: out, data: { bodyBytes, rssIdleMb: rssIdle, peakRssMb: peak, audioPeakRssMb: audioPeak, rounds, steady: { visibleMs: { p50: percentile(visibleMs, 50), p95: percentile(visibleMs, 95) }, steadyErrors, neverSeen } }, notes };
}
