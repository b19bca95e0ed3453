/** Signed post_call_transcription webhooks (40-turn transcripts) against the app vs a bare Express + pg insert. */
import { randomBytes } from "node:crypto";
import { config } from "../config";
import { fmt, type BenchContext, type ResultRow, type ScenarioResult } from "../context";
import { rssMb, runLoad, sampleRss, type LoadResult, type Req } from "../http";
import { signatureHeader } from "../../server/elevenlabs/webhook-signature";
import { makeConversation } from "../../tests/fake-elevenlabs/server";
import { createAgents } from "../load-data";
import { registerOwner } from "../setup";

export async function ingestionScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const pool = ctx.database.pool;
  // Its own organization, set up as a customer would: register, then save the key and the webhook secret.
  const owner = await registerOwner(ctx.appClient, "Ingest Co");
  const secret = `whsec_${randomBytes(24).toString("hex")}`;
  const saved = await ctx.appClient.send({
    method: "POST",
    path: "/api/integrations",
    headers: { cookie: owner.cookie, "content-type": "application/json" },
    body: JSON.stringify({ provider: "elevenlabs", apiKey: ctx.fakeKey, webhookSecret: secret }),
  });
  if (saved.status !== 200 && saved.status !== 201)
    throw new Error(`saving the integration failed: ${saved.status} ${saved.body}`);
  const { rows } = await pool.query<{ webhook_token: string }>(
    "select webhook_token from organizations where id = $1",
    [owner.organizationId],
  );
  const token = rows[0].webhook_token;
  const agents = await createAgents(pool, owner.organizationId, 1, "ingest");

  const conversation = makeConversation(agents.elevenlabsIds[0], {
    turns: 40,
    conversation_id: "__CONV__",
    durationSecs: 312,
  });
  const template = JSON.stringify({
    type: "post_call_transcription",
    event_timestamp: Math.floor(Date.now() / 1000),
    data: conversation,
  });
  const bodyBytes = Buffer.byteLength(template);
  let n = 0;
  const runId = randomBytes(3).toString("hex");
  const nextBody = () => template.replace("__CONV__", `conv_ingest_${runId}_${++n}`);
  const appReq = (): Req => {
    const body = nextBody();
    return {
      method: "POST",
      path: `/api/webhooks/elevenlabs/${token}`,
      headers: { "content-type": "application/json", "elevenlabs-signature": signatureHeader(secret, body) },
      body,
    };
  };
  const baseReq = (): Req => ({
    method: "POST",
    path: "/ingest",
    headers: { "content-type": "application/json" },
    body: nextBody(),
  });

  const rssIdle = rssMb(ctx.app.pid);
  // Warm-up: JIT, pools and caches on both sides.
  await runLoad(ctx.appClient, 4, 1, appReq);
  await runLoad(ctx.baselineClient, 4, 1, baseReq);

  const results: Array<{ concurrency: number; app: LoadResult; baseline: LoadResult; appPeakRssMb: number }> = [];
  const out: ResultRow[] = [];
  let peak = 0;
  for (const c of config.ingestConcurrencies) {
    const sampler = sampleRss(ctx.app.pid);
    const app = await runLoad(ctx.appClient, c, config.ingestSeconds, appReq);
    const appPeak = sampler.stop();
    peak = Math.max(peak, appPeak);
    const baseline = await runLoad(ctx.baselineClient, c, config.ingestSeconds, baseReq);
    results.push({ concurrency: c, app, baseline, appPeakRssMb: appPeak });
    const share = app.rps / baseline.rps;
    out.push({
      scenario: "ingestion",
      case: `concurrency ${c}${app.errors ? ` (${app.errors} errors: ${app.firstError})` : ""}`,
      value: `${app.rps.toFixed(0)} req/s, p50 ${fmt(app.p50)}, p99 ${fmt(app.p99)}`,
      baseline: `${baseline.rps.toFixed(0)} req/s, p50 ${fmt(baseline.p50)}, p99 ${fmt(baseline.p99)}`,
      ratio: `${(share * 100).toFixed(0)}%`,
      target: "≥ 50% of baseline",
      met: share >= 0.5 && app.errors === 0,
    });
  }
  const { rows: counted } = await pool.query<{ n: number }>(
    "select count(*)::int as n from call_logs where organization_id = $1",
    [owner.organizationId],
  );
  const accepted = results.reduce((s, r) => s + r.app.requests, 0);
  out.push({
    scenario: "ingestion",
    case: "app RSS under load (peak)",
    value: `${peak.toFixed(0)} MB (idle before: ${rssIdle.toFixed(0)} MB)`,
    target: "< 400 MB",
    met: peak < 400,
  });
  const notes = [
    `Body: ${bodyBytes.toLocaleString("en")} bytes (40 turns). Calls stored for the ingest organization: ${counted[0].n.toLocaleString("en")} (includes warm-up), timed 2xx answers: ${accepted.toLocaleString("en")}.`,
  ];
  return { name: "ingestion", rows: out, data: { bodyBytes, rssIdleMb: rssIdle, peakRssMb: peak, results }, notes };
}
