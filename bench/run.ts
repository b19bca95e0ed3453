/**
 * `npm run bench`: a fresh database, a million calls (BENCH_SCALE=1), the app and the baselines as child processes,
 * six scenarios, then a table, bench/results.json and docs/benchmarks.md. Not part of `npm test`.
 * Env: BENCH_SCALE (default 1), BENCH_DATABASE_URL, BENCH_ONLY (e.g. "history,analytics"), BENCH_INGEST_SECONDS,
 * BENCH_CONCURRENCY ("1,8,32"), BENCH_ITERATIONS, BENCH_SYNC_LATENCY_MS.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { config, wants } from "./config";
import { openBenchDatabase } from "./db";
import { WebhookTokenCache } from "../server/services/ingestion/webhook-token-cache";
import { InboxSignal } from "../server/services/ingestion/inbox";
import { forkServer, makeClient, type Child } from "./http";
import { createAgents, createOrganization, loadCalls, type LoadedOrg, type LoadTimings } from "./load-data";
import { registerOwner } from "./setup";
import type { BenchContext, ScenarioResult } from "./context";
import { printTable, writeJson, writeMarkdown, type Report } from "./report";
import { historyScenario } from "./scenarios/history";
import { analyticsScenario } from "./scenarios/analytics";
import { ingestionScenario } from "./scenarios/ingestion";
import { syncScenario } from "./scenarios/sync";
import { alertsScenario } from "./scenarios/alerts";
import { qualityScenario } from "./scenarios/quality";
import { tombstonesScenario } from "./scenarios/tombstones";
import { bundleScenario } from "./scenarios/bundle";
import { bootOnce } from "./scenarios/cold-start";
import { FakeElevenLabs } from "../tests/fake-elevenlabs/server";
import { parseEnv } from "../server/env";
import { createLogger } from "../server/lib/logger";
import { Encryptor } from "../server/lib/crypto";
import { noJobs } from "../server/services/jobs";
import { elevenLabsClients } from "../server/elevenlabs/client";

const started = performance.now();
const log = (m: string) =>
  console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${m}`);

async function main() {
  log(
    `scale ${config.scale}: ${config.bigOrgCalls.toLocaleString("en")} calls in one organization + ${config.otherOrgs} × ${config.otherOrgCalls.toLocaleString("en")}`,
  );
  const scenarios: ScenarioResult[] = [];
  const errors: Report["errors"] = [];
  const run = async (name: string, fn: () => Promise<ScenarioResult>) => {
    if (!wants(name)) return;
    log(`scenario: ${name}`);
    try {
      const r = await fn();
      scenarios.push(r);
      for (const row of r.rows)
        log(
          `  ${row.case}: ${row.value}${row.baseline ? ` | baseline ${row.baseline}` : ""}${row.ratio ? ` | ${row.ratio}` : ""}`,
        );
    } catch (err) {
      log(`  FAILED: ${(err as Error).stack ?? String(err)}`);
      errors.push({ scenario: name, error: (err as Error).message });
    }
  };

  // The client does not need the database: measure it first, so a database failure still reports it.
  await run("client", () => bundleScenario(log));

  log(`database: ${config.databaseUrl ? "BENCH_DATABASE_URL" : "embedded PostgreSQL"}`);
  const database = await openBenchDatabase(config.databaseUrl);
  await database.pool.query(
    "create table bench_baseline_events (id bigserial primary key, payload jsonb not null, received_at timestamptz not null default now())",
  );
  let app: Child | null = null;
  let baseline: Child | null = null;
  const fake = new FakeElevenLabs();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "vad-bench-app-"));
  let load: LoadTimings | null = null;
  try {
    await fake.start();
    const fakeKey = "bench-key";
    fake.addWorkspace(fakeKey);
    const appEnv = {
      DATABASE_URL: database.url,
      DATA_DIR: workDir,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      ELEVENLABS_API_URL: fake.url,
      APP_URL: "http://127.0.0.1",
      LOG_LEVEL: "info",
      NODE_ENV: "",
    };
    app = await forkServer("app-server.ts", appEnv);
    const webhookSecret = `whsec_${randomBytes(24).toString("hex")}`;
    baseline = await forkServer("baseline-server.ts", { DATABASE_URL: database.url, BENCH_WEBHOOK_SECRET: webhookSecret });
    const appClient = makeClient(app.url, 64);
    const baselineClient = makeClient(baseline.url, 64);
    log(
      `app pid ${app.pid} at ${app.url}; baseline pid ${baseline.pid} at ${baseline.url}; fake ElevenLabs at ${fake.url}`,
    );

    // The big organization through the API (its owner's session reads History and the Dashboard); the others by SQL.
    const owner = await registerOwner(appClient, "Busy Agents Inc");
    const bigAgents = await createAgents(database.pool, owner.organizationId, config.bigOrgAgents, "big");
    const orgs: Array<LoadedOrg & { prefix: string }> = [
      {
        id: owner.organizationId,
        calls: config.bigOrgCalls,
        agentIds: bigAgents.ids,
        elevenlabsAgentIds: bigAgents.elevenlabsIds,
        prefix: "big",
        // Quality facts make the load slower: only when the quality scenario runs.
        withQuality: wants("quality"),
      },
    ];
    for (let i = 0; i < config.otherOrgs; i++) {
      const id = await createOrganization(database.pool, `Other ${i}`);
      const a = await createAgents(database.pool, id, 2, `o${i}`);
      orgs.push({
        id,
        calls: config.otherOrgCalls,
        agentIds: a.ids,
        elevenlabsAgentIds: a.elevenlabsIds,
        prefix: `o${i}`,
      });
    }
    log("loading calls");
    load = await loadCalls(database.db, orgs, config.historyDays, log);
    log(
      `loaded ${load.rows.toLocaleString("en")} calls (${load.tableMb} MB): insert ${load.insertSeconds.toFixed(0)} s, indexes ${load.indexSeconds.toFixed(0)} s, rollups ${load.rollupSeconds.toFixed(0)} s, vacuum ${load.vacuumSeconds.toFixed(0)} s`,
    );

    const { NODE_ENV: _unset, ...envSource } = appEnv;
    const env = parseEnv({ ...envSource, LOG_LEVEL: "warn" });
    const ctx: BenchContext = {
      database,
      app,
      baseline,
      appClient,
      baselineClient,
      fake,
      fakeKey,
      webhookSecret,
      deps: {
        db: database.db,
        tenantDb: database.tenantDb,
        webhookTokens: new WebhookTokenCache(), inbox: new InboxSignal(),
        elevenlabs: elevenLabsClients(env.elevenLabsApiUrl),
        env,
        log: createLogger("warn"),
        encryptor: new Encryptor(env.encryptionKeys),
        jobs: noJobs,
        now: () => new Date(),
      },
      bigOrg: { ...orgs[0], cookie: owner.cookie },
      log,
    };
    await run("history", () => historyScenario(ctx));
    await run("analytics", () => analyticsScenario(ctx));
    await run("ingestion", () => ingestionScenario(ctx));
    await run("sync", () => syncScenario(ctx));
    await run("quality", () => qualityScenario(ctx));
    await run("alerts", () => alertsScenario(ctx));
    // Last: it deletes a fifth of the big organization's calls.
    await run("tombstones", () => tombstonesScenario(ctx));
    appClient.close();
    baselineClient.close();
  } finally {
    await app?.stop();
    await baseline?.stop();
    await fake.stop();
    await database.stop();
  }

  await run("cold-start", async () => {
    const rows = [];
    const data: Record<string, unknown> = {};
    if (database.dataDir) {
      // The bench's own data directory: PostgreSQL with every loaded call, now stopped.
      const times = [await bootOnce(database.dataDir), await bootOnce(database.dataDir)];
      data.loadedDataDir = times;
      rows.push({
        scenario: "cold start",
        case: `npm start on the bench DATA_DIR (${load?.rows.toLocaleString("en") ?? "?"} calls), 2 boots`,
        value: times.map((t) => `${t.toFixed(2)} s`).join(", "),
        met: null,
      });
    }
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "vad-bench-cold-"));
    fs.chmodSync(fresh, 0o755);
    try {
      const first = await bootOnce(fresh);
      const times = [await bootOnce(fresh), await bootOnce(fresh)];
      data.freshDataDir = { firstBoot: first, existing: times };
      rows.push({
        scenario: "cold start",
        case: "npm start, first boot (initdb + migrations)",
        value: `${first.toFixed(2)} s`,
        met: null,
      });
      rows.push({
        scenario: "cold start",
        case: "npm start on an existing small DATA_DIR, 2 boots",
        value: times.map((t) => `${t.toFixed(2)} s`).join(", "),
        met: null,
      });
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
    return {
      name: "cold-start",
      rows,
      data,
      notes: [
        "Time from spawning `node --import tsx server/index.ts` (the `npm start` command; tsx's TypeScript loading included) to the first /readyz 200. PostgreSQL start is part of it.",
      ],
    };
  });
  database.cleanup();
  fs.rmSync(workDir, { recursive: true, force: true });

  const report: Report = {
    date: new Date().toISOString(),
    durationSeconds: (performance.now() - started) / 1000,
    scale: config.scale,
    machine: config.machine,
    database: database.kind,
    dataset: {
      bigOrgCalls: config.bigOrgCalls,
      otherOrgs: config.otherOrgs,
      otherOrgCalls: config.otherOrgCalls,
      totalCalls: load?.rows ?? 0,
      callLogsMb: load?.tableMb ?? 0,
      loadSeconds: load
        ? Math.round(load.insertSeconds + load.indexSeconds + load.rollupSeconds + load.vacuumSeconds)
        : 0,
      syncConversations: config.syncConversations,
    },
    scenarios,
    errors,
  };
  console.log("");
  printTable(scenarios);
  console.log("");
  log(`wrote ${writeJson(report)}`);
  if (!config.only) log(`wrote ${writeMarkdown(report)}`);
  else log("BENCH_ONLY set: docs/benchmarks.md left as it is");
  if (errors.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
