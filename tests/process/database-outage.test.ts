/**
 * PostgreSQL restarts under two running instances while traffic flows (webhooks written in transactions, signed-in
 * reads, readiness probes): no process dies, every answer during the 10 s outage is a 200 or a 503
 * `database_unavailable` (never a 500, never a 200 for a call that was not stored), both instances answer 200 again
 * within 10 s of the database's return without a restart, and pg-boss still runs jobs afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../server/db/embedded";
import { FakeElevenLabs, makeConversation } from "../fake-elevenlabs/server";
import { transcriptionEvent } from "../helpers/webhooks";
import { ApiClient, deliverTo, rawRequest, removeTempDirs, setUpOrganization, startServer, tempDir, until, type ServerProcess } from "./server-process";

const KEY = "sk_test_outage_77c1";
const SECRET = "whsec_outage";
const AGENT = "agent_outage";

const fake = new FakeElevenLabs();
let pgDir: string;
let database: EmbeddedDatabase | null = null;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY);
  fake.addAgent(KEY, AGENT, "Outage agent");
  fake.addConversation(KEY, makeConversation(AGENT, { conversation_id: "conv_synced" }));
  pgDir = tempDir("vad-outage-pg-");
  database = await startEmbeddedPostgres(pgDir);
}, 120_000);
afterAll(async () => {
  for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGKILL");
  await Promise.all(servers.map((s) => s.exited));
  await database?.stop().catch(() => {});
  await fake.stop();
  removeTempDirs();
}, 60_000);

const ready = (url: string) =>
  rawRequest(`${url}/readyz`).then(
    (r) => r.status,
    () => 0,
  );

type Outcome = { status: number; text: string; what: string };

describe("database restart under load, two instances", () => {
  it("answers 503 during the outage, kills no process, and both instances recover within 10 s", async () => {
    const port = Number(new URL(database!.url).port);
    const env = { ELEVENLABS_API_URL: fake.url };
    const [a, b] = await Promise.all([
      startServer({ databaseUrl: database!.url, dataDir: tempDir("vad-outage-a-"), env }),
      startServer({ databaseUrl: database!.url, dataDir: tempDir("vad-outage-b-"), env }),
    ]);
    servers.push(a, b);
    const apiA = new ApiClient(a.url);
    const { email, password, webhookPath } = await setUpOrganization(apiA, KEY, SECRET);
    const apiB = new ApiClient(b.url);
    expect((await apiB.call("POST", "/api/auth/login/password", { email, password })).status).toBe(200);
    const deliver = (s: ServerProcess, id: string) => deliverTo(s.url, webhookPath, transcriptionEvent(makeConversation(AGENT, { conversation_id: id })), SECRET);
    expect((await deliver(a, "conv_before_outage")).status).toBe(200);

    // Traffic on both instances until told to stop: writes in transactions, tenant reads, readiness probes.
    const outcomes: Outcome[] = [];
    const acknowledged = new Set<string>();
    let stop = false;
    let n = 0;
    const loop = async (what: string, once: () => Promise<Outcome>) => {
      while (!stop) {
        const outcome = await once().catch((err: Error) => ({ status: 0, text: err.message, what }));
        outcomes.push(outcome);
        if (outcome.status !== 200) await new Promise((r) => setTimeout(r, 20));
      }
    };
    const webhooks = (s: ServerProcess) => async () => {
      const id = `conv_load_${n++}`;
      const res = await deliver(s, id);
      if (res.status === 200) acknowledged.add(id);
      return { status: res.status, text: res.text, what: "webhook" };
    };
    const reads = (api: ApiClient) => async () => {
      const res = await api.call("GET", "/api/call-logs?limit=20");
      return { status: res.status, text: JSON.stringify(res.body), what: "call-logs" };
    };
    const traffic = [a, b].flatMap((s, i) => [
      loop("webhook", webhooks(s)),
      loop("webhook", webhooks(s)),
      loop("webhook", webhooks(s)),
      loop("call-logs", reads(i === 0 ? apiA : apiB)),
      loop("call-logs", reads(i === 0 ? apiA : apiB)),
    ]);
    await until(() => acknowledged.size >= 20, 30_000, "traffic to flow");

    await database!.stop();
    database = null;
    await until(async () => (await ready(a.url)) === 503 && (await ready(b.url)) === 503, 10_000, "/readyz to report the outage");
    const during = await deliver(b, "conv_during_outage");
    expect(during.status, during.text).toBe(503);
    expect(JSON.parse(during.text)).toMatchObject({ error: { code: "database_unavailable" } });
    const page = await apiA.call("GET", "/api/call-logs");
    expect(page.status).toBe(503);
    expect(page.body.error?.code).toBe("database_unavailable");
    expect(JSON.stringify(page.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|\bat \//);
    await new Promise((r) => setTimeout(r, 10_000));
    expect(a.child.exitCode, a.output().slice(-3000)).toBeNull();
    expect(b.child.exitCode, b.output().slice(-3000)).toBeNull();

    database = await startEmbeddedPostgres(pgDir, undefined, { port });
    const back = Date.now();
    await until(async () => (await ready(a.url)) === 200 && (await ready(b.url)) === 200, 10_000, "both instances to answer 200 within 10 s");
    // Every route, not only the probe: a webhook and a signed-in read on each instance.
    await until(
      async () => (await deliver(a, "conv_after_a")).status === 200 && (await deliver(b, "conv_after_b")).status === 200 && (await apiB.call("GET", "/api/call-logs")).status === 200,
      Math.max(1, 10_000 - (Date.now() - back)),
      "every route to answer 200 within 10 s",
    );
    stop = true;
    await Promise.all(traffic);

    // No process died, nothing answered 500 or dropped a connection: every answer was a 200 or a 503 with its code.
    expect(a.child.exitCode).toBeNull();
    expect(b.child.exitCode).toBeNull();
    const bad = outcomes.filter((o) => o.status !== 200 && !(o.status === 503 && o.text.includes("database_unavailable")));
    expect(bad.slice(0, 5), `${bad.length} bad answers`).toEqual([]);
    expect(outcomes.filter((o) => o.status === 503).length).toBeGreaterThan(0);

    // The retried delivery is stored, and no acknowledged call was lost.
    expect((await deliver(a, "conv_during_outage")).status).toBe(200);
    const stored = new Set<string>();
    const allVisible = async () => {
      let cursor: string | null = null;
      do {
        const res = await apiA.call("GET", `/api/call-logs?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
        expect(res.status).toBe(200);
        for (const row of res.body.data as Array<{ conversationId: string }>) stored.add(row.conversationId);
        cursor = res.body.nextCursor as string | null;
      } while (cursor);
      return [...acknowledged, "conv_during_outage"].every((id) => stored.has(id));
    };
    // Acknowledged means stored in the inbox: the projectors build the calls within moments of the database's return.
    await until(allVisible, 30_000, "every acknowledged call to be projected", 250).catch(() => {});
    expect([...acknowledged].filter((id) => !stored.has(id)), `${a.output().slice(-3000)}\n${b.output().slice(-3000)}`).toEqual([]);
    expect(stored.has("conv_during_outage")).toBe(true);

    // pg-boss survived the restart: a sync queued now runs on one of the instances.
    const created = await apiA.call("POST", "/api/agents", { elevenLabsAgentId: AGENT });
    expect(created.status).toBe(201);
    await until(
      async () => {
        const res = await apiA.call("GET", `/api/agents/${String(created.body.id)}`);
        return Boolean((res.body.sync as { lastSyncedAt: string | null } | undefined)?.lastSyncedAt);
      },
      30_000,
      "the backfill job to run after the restart",
      250,
    );

    for (const s of [a, b]) s.child.kill("SIGTERM");
    for (const s of [a, b]) expect(await s.exited, s.output().slice(-2000)).toEqual({ code: 0, signal: null });
  }, 180_000);
});
