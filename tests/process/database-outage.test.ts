/**
 * The database goes away under a running server and comes back: /readyz says 503 and webhooks are refused with
 * 503 (so ElevenLabs retries them) for the outage, never a 200 for a call that was not stored; once PostgreSQL is
 * back on the same address the same process is ready again and ingests, without a restart.
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
let server: ServerProcess | null = null;

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY);
  fake.addAgent(KEY, AGENT, "Outage agent");
  pgDir = tempDir("vad-outage-pg-");
  database = await startEmbeddedPostgres(pgDir);
}, 120_000);
afterAll(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
  await server?.exited;
  await database?.stop().catch(() => {});
  await fake.stop();
  removeTempDirs();
}, 60_000);

const ready = (url: string) =>
  rawRequest(`${url}/readyz`).then(
    (r) => r.status,
    () => 0,
  );

describe("database restart under a running server", () => {
  it("answers 503 during the outage and recovers without restarting the app", async () => {
    const port = Number(new URL(database!.url).port);
    server = await startServer({ databaseUrl: database!.url, dataDir: tempDir("vad-outage-app-"), env: { ELEVENLABS_API_URL: fake.url } });
    const s = server;
    const api = new ApiClient(s.url);
    const { webhookPath } = await setUpOrganization(api, KEY, SECRET);
    const deliver = (id: string) => deliverTo(s.url, webhookPath, transcriptionEvent(makeConversation(AGENT, { conversation_id: id })), SECRET);
    expect((await deliver("conv_before_outage")).status).toBe(200);

    await database!.stop();
    database = null;

    await until(async () => (await ready(s.url)) === 503, 30_000, "/readyz to report the outage");
    const readyz = await rawRequest(`${s.url}/readyz`);
    expect(readyz.status).toBe(503);
    expect(JSON.parse(readyz.text)).toMatchObject({ error: { code: "database_unavailable" } });

    // A webhook that cannot be stored is not acknowledged: ElevenLabs will deliver it again.
    const refused = await deliver("conv_during_outage");
    expect(refused.status, refused.text).toBe(503);
    expect(JSON.parse(refused.text)).toMatchObject({ error: { code: "database_unavailable" } });
    // Signed-in pages say the same, with a code and no internals.
    const page = await api.call("GET", "/api/call-logs");
    expect(page.status).toBe(503);
    expect(page.body.error?.code).toBe("database_unavailable");
    expect(JSON.stringify(page.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|\bat \//);
    expect(s.child.exitCode).toBeNull();

    database = await startEmbeddedPostgres(pgDir, undefined, { port });
    await until(async () => (await ready(s.url)) === 200, 30_000, "/readyz to recover");
    expect(s.child.exitCode).toBeNull();

    // The retried delivery and new ones are stored; the session survived; nothing was lost.
    expect((await deliver("conv_during_outage")).status).toBe(200);
    expect((await deliver("conv_after_outage")).status).toBe(200);
    const calls = await api.call("GET", "/api/call-logs?limit=100");
    expect(calls.status).toBe(200);
    const ids = (calls.body.data as Array<{ conversationId: string }>).map((c) => c.conversationId).sort();
    expect(ids).toEqual(["conv_after_outage", "conv_before_outage", "conv_during_outage"]);

    s.child.kill("SIGTERM");
    expect(await s.exited, s.output().slice(-2000)).toEqual({ code: 0, signal: null });
  }, 180_000);
});
