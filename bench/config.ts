/** Benchmark settings from the environment. BENCH_SCALE scales every data size (1 = the sizes). */
import os from "node:os";

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got ${raw})`);
  return n;
}

const scale = num("BENCH_SCALE", 1);

export const config = {
  scale,
  /** Calls in the big organization. */
  bigOrgCalls: Math.max(1_000, Math.round(1_000_000 * scale)),
  otherOrgs: 9,
  /** Calls in each of the other organizations. */
  otherOrgCalls: Math.max(100, Math.round(100_000 * scale)),
  /** Agents of the big organization (the calls are spread over them). */
  bigOrgAgents: 5,
  /** Conversations in the sync backfill (10,000 at scale 1). */
  syncConversations: Math.max(200, Math.round(10_000 * scale)),
  syncLatencyMs: num("BENCH_SYNC_LATENCY_MS", 50),
  /** Seconds each ingestion run lasts per concurrency. */
  ingestSeconds: num("BENCH_INGEST_SECONDS", scale >= 0.5 ? 10 : 4),
  ingestConcurrencies: (process.env.BENCH_CONCURRENCY ?? "1,8,32")
    .split(",")
    .map(Number)
    .filter((n) => n > 0),
  /** Timed requests per read query (after warm-up). */
  readIterations: Math.round(num("BENCH_ITERATIONS", 40)),
  warmup: 5,
  /** Days of history the calls are spread over, ending now. */
  historyDays: 400,
  /** Optional: an existing server to create (and drop) the bench database on, instead of embedded PostgreSQL. */
  databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
  /** Scenarios to run (comma-separated names), default all. */
  only: process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",").map((s) => s.trim())) : null,
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    /** Other work on the machine skews every absolute time: recorded with the results. */
    loadAverage: os.loadavg(),
  },
};

export type BenchConfig = typeof config;

export function wants(name: string): boolean {
  return config.only === null || config.only.has(name);
}
