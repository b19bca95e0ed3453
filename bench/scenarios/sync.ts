/** Sync backfill of an agent's conversations from the fake ElevenLabs, each request delayed by 50 ms. */
import { randomBytes } from "node:crypto";
import { config } from "../config";
import { type BenchContext, type ResultRow, type ScenarioResult } from "../context";
import { makeConversation } from "../../tests/fake-elevenlabs/server";
import { syncAgent } from "../../server/services/sync/sync-agent";
import { createAgents } from "../load-data";
import { registerOwner } from "../setup";

export async function syncScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const pool = ctx.database.pool;
  const key = `bench-sync-${randomBytes(4).toString("hex")}`;
  ctx.fake.addWorkspace(key);
  const owner = await registerOwner(ctx.appClient, "Sync Co");
  const saved = await ctx.appClient.send({
    method: "POST",
    path: "/api/integrations",
    headers: { cookie: owner.cookie, "content-type": "application/json" },
    body: JSON.stringify({ provider: "elevenlabs", apiKey: key }),
  });
  if (saved.status !== 200 && saved.status !== 201)
    throw new Error(`saving the integration failed: ${saved.status} ${saved.body}`);
  const agents = await createAgents(pool, owner.organizationId, 1, "sync");
  const elevenlabsId = agents.elevenlabsIds[0];
  ctx.fake.addAgent(key, elevenlabsId, "Sync bench agent");
  const n = config.syncConversations;
  const start = Math.floor(Date.now() / 1000) - n * 60;
  for (let i = 0; i < n; i++)
    ctx.fake.addConversation(
      key,
      makeConversation(elevenlabsId, {
        conversation_id: `conv_sync_${i}`,
        startUnix: start + i * 60,
        turns: 20,
        durationSecs: 60 + (i % 300),
      }),
    );

  const requestsBefore = ctx.fake.requests.length;
  ctx.fake.latencyMs = config.syncLatencyMs;
  let peakHeap = 0;
  const timer = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 100);
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let result;
  try {
    result = await syncAgent(ctx.deps, {
      organizationId: owner.organizationId,
      agentId: agents.ids[0],
      mode: "backfill",
    });
  } finally {
    clearInterval(timer);
    ctx.fake.latencyMs = 0;
  }
  const seconds = (performance.now() - t0) / 1000;
  const requests = ctx.fake.requests.length - requestsBefore;
  const { rows } = await pool.query<{ n: number }>(
    "select count(*)::int as n from call_logs where organization_id = $1",
    [owner.organizationId],
  );
  const stored = rows[0].n;
  const rate = stored / seconds;
  // With 50 ms per request, one page list + 4 detail fetches in flight bound the rate at about 4 / 0.05 = 80 conversations/s
  // plus the database time; the figure is reported against that bound.
  const bound = 4 / (config.syncLatencyMs / 1000);
  const out: ResultRow[] = [
    {
      scenario: "sync",
      case: `backfill ${n.toLocaleString("en")} conversations, ${config.syncLatencyMs} ms per request (${result.status}; ${stored.toLocaleString("en")} stored)`,
      value: `${rate.toFixed(1)} conversations/s (${seconds.toFixed(1)} s, ${requests.toLocaleString("en")} requests)`,
      baseline: `latency bound at 4 in flight: ${bound.toFixed(0)}/s`,
      ratio: `${((rate / bound) * 100).toFixed(0)}% of bound`,
      target: "all stored; bounded concurrency and memory",
      met: stored === n && result.status === "done",
    },
    {
      scenario: "sync",
      case: "bench process heap during the backfill (fake ElevenLabs included)",
      value: `peak ${(peakHeap / 2 ** 20).toFixed(0)} MB (before: ${(heapBefore / 2 ** 20).toFixed(0)} MB)`,
      met: null,
    },
  ];
  return {
    name: "sync",
    rows: out,
    data: {
      conversations: n,
      stored,
      seconds,
      rate,
      requests,
      latencyMs: config.syncLatencyMs,
      result,
      peakHeapMb: peakHeap / 2 ** 20,
      heapBeforeMb: heapBefore / 2 ** 20,
    },
  };
}
