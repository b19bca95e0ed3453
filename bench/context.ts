/** What every scenario gets: the database, the running app and baseline, the fake ElevenLabs, the loaded orgs. */
import type { BenchDatabase } from "./db";
import type { Child, Client } from "./http";
import type { FakeElevenLabs } from "../tests/fake-elevenlabs/server";
import type { LoadedOrg } from "./load-data";
import type { AppDeps } from "../server/deps";

export type BenchContext = {
  database: BenchDatabase;
  app: Child;
  baseline: Child;
  /** Keep-alive clients for sequential (latency) requests. */
  appClient: Client;
  baselineClient: Client;
  fake: FakeElevenLabs;
  fakeKey: string;
  /** The webhook secret the baseline server checks signatures with (the ingestion scenario saves it in the app too). */
  webhookSecret: string;
  /** In-process deps on the bench database with the app's encryption key (sync runs here). */
  deps: AppDeps;
  bigOrg: LoadedOrg & { cookie: string };
  log: (m: string) => void;
};

/** One line of the printed table. `met` null: no target for this line. */
export type ResultRow = {
  scenario: string;
  case: string;
  value: string;
  baseline?: string;
  ratio?: string;
  target?: string;
  met?: boolean | null;
};

export type ScenarioResult = { name: string; rows: ResultRow[]; data: unknown; notes?: string[] };

export const fmt = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(ms < 10 ? 2 : 1)} ms` : "n/a");

/** The UTC calendar day `offsetDays` from today, as "YYYY-MM-DD" (ranges of the read scenarios). */
export function dayFromToday(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}
