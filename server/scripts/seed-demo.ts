/**
 * `npm run seed:demo`: a demo organization with three months of calls of two agents, so every page has
 * something to show without an ElevenLabs account. Idempotent: a second run only prints the sign-in.
 *
 * Works while the app runs: it uses the app's database (DATABASE_URL, or the embedded PostgreSQL the app started
 * under DATA_DIR) and prints the address the app recorded in DATA_DIR. When the app's ElevenLabs API is the fake
 * (`npm run fake:elevenlabs`), the organization is connected to it with the fake's key and agents, so "Sync now"
 * works; otherwise it has no key and no sync to offer.
 */
import { eq } from "drizzle-orm";
import { parseEnv } from "../env";
import { createDb, createPool } from "../db/client";
import { readAppRecord, runningEmbeddedUrl, startEmbeddedPostgres } from "../db/embedded";
import { runMigrations } from "../db/migrate";
import { agents, users } from "../db/schema";
import { saveIntegration } from "../services/integrations/integration-service";
import { Encryptor } from "../lib/crypto";
import { createLogger } from "../lib/logger";
import { noJobs } from "../services/jobs";
import type { AppDeps } from "../deps";
import { tenantCtx } from "../tenant-context";
import { openTenantAccess, type TenantAccess } from "../db/connect";
import { WebhookTokenCache } from "../services/ingestion/webhook-token-cache";
import { InboxSignal } from "../services/ingestion/inbox";
import { registerUser } from "../services/auth/register";
import { upsertCall } from "../services/ingestion/upsert-call";
import { fromDetail } from "../services/ingestion/normalize";
import { conversationDetail } from "../elevenlabs/types";
import { demoConversation, seededRandom } from "./demo-conversations";
import { elevenLabsClients } from "../elevenlabs/client";

const EMAIL = "demo@voiceai.example";
const PASSWORD = "demo password 2026";
const DAYS = 90;

/** The fake's agents when the app's ElevenLabs API is the fake and answers to its demo key; null otherwise. */
async function fakeAgents(apiUrl: string, key: string): Promise<{ elevenlabsAgentId: string; name: string }[] | null> {
  let host: string;
  try {
    host = new URL(apiUrl).hostname;
  } catch {
    return null;
  }
  if (host === "elevenlabs.io" || host.endsWith(".elevenlabs.io")) return null; // never send the fake's key to ElevenLabs
  try {
    const res = await fetch(`${apiUrl}/v1/convai/agents?page_size=2`, { headers: { "xi-api-key": key }, signal: AbortSignal.timeout(3_000) });
    if (!res.ok) return null;
    const body = (await res.json()) as { agents?: { agent_id: string; name: string }[] };
    const agents = (body.agents ?? []).slice(0, 2).map((a) => ({ elevenlabsAgentId: a.agent_id, name: a.name }));
    return agents.length ? agents : null;
  } catch {
    return null;
  }
}

const env = parseEnv();
const app = readAppRecord(env.dataDir);
const runningUrl = env.databaseUrl ? null : runningEmbeddedUrl(env.dataDir);
const embedded = env.databaseUrl || runningUrl ? null : await startEmbeddedPostgres(env.dataDir);
const pool = createPool(env.databaseUrl ?? runningUrl ?? embedded!.url, 4);
const db = createDb(pool);
const appUrl = app?.url ?? env.appUrl;
// The ElevenLabs API the running app talks to (the fake, when it runs one): the demo key is checked there, never elsewhere.
const elevenLabsApiUrl = app?.elevenLabsApiUrl ?? env.elevenLabsApiUrl;
let tenants: TenantAccess | undefined;
try {
  await runMigrations(db);
  tenants = await openTenantAccess(db, env.databaseUrl ?? runningUrl ?? embedded!.url, { appUrl: env.databaseAppUrl, max: 2 });
  const { tenantDb } = tenants;
  const deps: AppDeps = { db, tenantDb, env, log: createLogger("warn"), encryptor: new Encryptor(env.encryptionKeys), jobs: noJobs, now: () => new Date(), webhookTokens: new WebhookTokenCache(), inbox: new InboxSignal(), elevenlabs: elevenLabsClients(elevenLabsApiUrl) };
  let [user] = await db.select().from(users).where(eq(users.email, EMAIL));
  if (!user) {
    const userId = await registerUser(deps, { email: EMAIL, password: PASSWORD, name: "Demo Owner", organizationName: "Demo Voice Co" }, undefined);
    [user] = await db.select().from(users).where(eq(users.id, userId));
    const orgId = user.organizationId;
    const tenant = tenantDb(orgId);
    const fake = await fakeAgents(elevenLabsApiUrl, env.fakeElevenLabsKey);
    const demoAgents = fake ?? [
      { elevenlabsAgentId: "agent_demo_support", name: "Support Desk" },
      { elevenlabsAgentId: "agent_demo_bookings", name: "Bookings" },
    ];
    if (fake) {
      const ctx = tenantCtx({ ...deps, env: { ...env, elevenLabsApiUrl } }, orgId, { userId: user.id, role: "owner", isPlatformAdmin: false });
      await saveIntegration(ctx, { apiKey: env.fakeElevenLabsKey });
      console.log(`Connected to the fake ElevenLabs at ${elevenLabsApiUrl}: "Sync now" pulls its conversations.`);
    }
    await tenant.insert(agents).values(demoAgents.map((a) => ({ ...a, organizationId: orgId, syncStatus: "idle" as const, lastSyncedAt: new Date() })));
    const now = Date.now();
    const random = seededRandom(2026);
    let n = 0;
    for (let day = DAYS; day >= 0; day--) {
      const perDay = 8 + Math.round(6 * Math.sin(day / 5) + random() * 6);
      for (let i = 0; i < perDay; i++) {
        const agent = demoAgents[random() < 0.6 ? 0 : 1];
        const startedAt = now - day * 86_400_000 - Math.floor(random() * 86_400_000);
        if (startedAt > now) continue;
        // Newer versions roll out over the quarter, so the Quality page's version comparison has a story.
        const version = day > 60 ? 0 : day > 25 ? (random() < 0.7 ? 1 : 0) : random() < 0.8 ? 2 : 1;
        const detail = demoConversation(random, {
          agentId: agent.elevenlabsAgentId,
          conversationId: `conv_demo_${day}_${i}_${Math.floor(random() * 1e9).toString(36)}`,
          startUnix: Math.floor(startedAt / 1000),
          version,
        });
        // Through the normalizer, as a webhook or sync would: every field of the full call record is filled.
        const fields = fromDetail(conversationDetail.parse(detail));
        await tenant.transaction((tx) => upsertCall(tx, orgId, fields, i % 4 === 0 ? "sync" : "webhook"));
        n++;
      }
    }
    console.log(`Seeded ${n} calls over ${DAYS} days.`);
  }
  console.log(`Demo organization ready. Sign in at ${appUrl}/login with ${EMAIL} / ${PASSWORD}`);
  if (!app) console.log("(The app is not running: start it with npm start.)");
} finally {
  await tenants?.pool.end();
  await pool.end();
  await embedded?.stop();
}
