/**
 * Webhook URL rotation (DESIGN.md §8, §13) with two app instances on one database, each with its own pool, token
 * cache and LISTEN connection: the new URL works at once on the other instance, the old one keeps working for 24
 * hours and then answers 401, and a change on one instance empties the other's cache at once (NOTIFY).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { Express } from "express";
import { createApp } from "../../server/app";
import type { AppDeps } from "../../server/deps";
import { webhookEvents } from "../../server/db/schema";
import { listenForTokenChanges, WebhookTokenCache } from "../../server/services/ingestion/webhook-token-cache";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { openTestDatabase, type TestDatabase } from "../helpers/db";
import { deliver, transcriptionEvent } from "../helpers/webhooks";
import { FakeElevenLabs, makeConversation } from "../fake-elevenlabs/server";

const KEY = "sk_test_rotation_1111";
const SECRET = "whsec_rotation_secret";
const HOUR = 3600 * 1000;

const fake = new FakeElevenLabs();
let t: TestApp;
let second: TestDatabase;
/** The second instance's clock, moved forward by the test. */
let offsetMs = 0;
let depsB: AppDeps;
let appB: Express;
const listeners: Array<ReturnType<typeof listenForTokenChanges>> = [];

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY);
  fake.addAgent(KEY, "agent_rotation", "Rotation");
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url } });
  second = openTestDatabase(t.databaseUrl);
  depsB = { ...t.deps, db: second.db, tenantDb: second.tenantDb, webhookTokens: new WebhookTokenCache(), now: () => new Date(Date.now() + offsetMs) };
  appB = await createApp(depsB);
  listeners.push(listenForTokenChanges(t.deps.db.$client, t.deps.webhookTokens), listenForTokenChanges(second.pool, depsB.webhookTokens));
  await Promise.all(listeners.map((l) => l.ready));
});

afterAll(async () => {
  await Promise.all(listeners.map((l) => l.stop()));
  await second.drop();
  await t.close();
  await fake.stop();
});

async function until(condition: () => boolean, ms = 2_000) {
  for (const end = Date.now() + ms; !condition() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
  return condition();
}

describe("webhook URL rotation across instances", () => {
  it("works at once on a second instance, keeps the old URL for 24 hours, then refuses it", async () => {
    const s = await signUp(t.app);
    const saved = await s.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY, webhookSecret: SECRET }).expect(200);
    const oldPath = new URL(saved.body.webhook.url).pathname;
    const oldToken = oldPath.split("/").at(-1)!;
    const signedNow = () => Math.floor(depsB.now().getTime() / 1000);
    const send = (path: string) => deliver(appB, path, transcriptionEvent(makeConversation("agent_rotation")), SECRET, { timestamp: signedNow() });

    // Instance B learns (and caches) the old URL.
    await send(oldPath).expect(200);
    expect(depsB.webhookTokens.get(oldToken, depsB.now())).toBeDefined();

    // Rotated on instance A: B's cache entry is gone at once (NOTIFY), and the new URL works on B at once.
    const rotated = await s.agent.post("/api/integrations/elevenlabs/webhook-token").expect(200);
    const newPath = new URL(rotated.body.webhook.url).pathname;
    expect(newPath).not.toBe(oldPath);
    expect(await until(() => depsB.webhookTokens.get(oldToken, depsB.now()) === undefined)).toBe(true);
    await send(newPath).expect(200);

    // The old URL keeps working through the grace period, on both instances.
    await send(oldPath).expect(200);
    offsetMs = 23 * HOUR;
    await send(oldPath).expect(200);
    await send(newPath).expect(200);

    // After 24 hours it is refused (even though B had it cached a moment ago), the new one still works.
    offsetMs = 24 * HOUR + 60_000;
    const refused = await send(oldPath).expect(401);
    expect(refused.body.error.code).toBe("unknown_token");
    await send(newPath).expect(200);

    const [{ n }] = await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(webhookEvents).where(eq(webhookEvents.organizationId, s.user.organization.id));
    expect(n).toBe(6);
    offsetMs = 0;
  });

  it("a new secret saved on one instance is the only one the other accepts, at once", async () => {
    const s = await signUp(t.app);
    const saved = await s.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY, webhookSecret: SECRET }).expect(200);
    const path = new URL(saved.body.webhook.url).pathname;
    const token = path.split("/").at(-1)!;
    const event = () => transcriptionEvent(makeConversation("agent_rotation"));
    await deliver(appB, path, event(), SECRET).expect(200);
    expect(depsB.webhookTokens.get(token, depsB.now())).toBeDefined();

    await s.agent.post("/api/integrations").send({ provider: "elevenlabs", webhookSecret: "whsec_rotation_next" }).expect(200);
    // Refused at once, whether or not the notification has arrived yet (the insert re-checks the secret) ...
    await deliver(appB, path, event(), SECRET).expect(401);
    await deliver(appB, path, event(), "whsec_rotation_next").expect(200);
    // ... and the notification empties B's cache of that organization.
    await s.agent.post("/api/integrations").send({ provider: "elevenlabs", webhookSecret: "whsec_rotation_third" }).expect(200);
    expect(await until(() => depsB.webhookTokens.get(token, depsB.now()) === undefined)).toBe(true);
  });
});
