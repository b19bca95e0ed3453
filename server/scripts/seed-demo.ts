/**
 * `npm run seed:demo`: a demo organization with three months of calls of two agents, so every page has
 * something to show without an ElevenLabs account. Idempotent: a second run only prints the sign-in.
 */
import { eq } from "drizzle-orm";
import { parseEnv } from "../env";
import { createDb, createPool } from "../db/client";
import { startEmbeddedPostgres } from "../db/embedded";
import { runMigrations } from "../db/migrate";
import { agents, users } from "../db/schema";
import { Encryptor } from "../lib/crypto";
import { createLogger } from "../lib/logger";
import { noJobs } from "../jobs/types";
import type { AppDeps } from "../deps";
import { openTenantAccess, type TenantAccess } from "../db/connect";
import { WebhookTokenCache } from "../services/ingestion/webhook-token-cache";
import { registerUser } from "../services/auth/register";
import { upsertCall } from "../services/ingestion/upsert-call";
import { fromDetail } from "../services/ingestion/normalize";
import { conversationDetail } from "../elevenlabs/types";
import { demoConversation, seededRandom } from "./demo-conversations";
import { elevenLabsClients } from "../elevenlabs/client";

const EMAIL = "demo@voiceai.example";
const PASSWORD = "demo password 2026";
const DAYS = 90;

const env = parseEnv();
const embedded = env.databaseUrl ? null : await startEmbeddedPostgres(env.dataDir);
const pool = createPool(env.databaseUrl ?? embedded!.url, 4);
const db = createDb(pool);
let tenants: TenantAccess | undefined;
try {
  await runMigrations(db);
  tenants = await openTenantAccess(db, env.databaseUrl ?? embedded!.url, { appUrl: env.databaseAppUrl, max: 2 });
  const { tenantDb } = tenants;
  const deps: AppDeps = { db, tenantDb, env, log: createLogger("warn"), encryptor: new Encryptor(env.encryptionKeys), jobs: noJobs, now: () => new Date(), webhookTokens: new WebhookTokenCache(), elevenlabs: elevenLabsClients(env.elevenLabsApiUrl) };
  let [user] = await db.select().from(users).where(eq(users.email, EMAIL));
  if (!user) {
    const userId = await registerUser(deps, { email: EMAIL, password: PASSWORD, name: "Demo Owner", organizationName: "Demo Voice Co" }, undefined);
    [user] = await db.select().from(users).where(eq(users.id, userId));
    const orgId = user.organizationId;
    const tenant = tenantDb(orgId);
    const demoAgents = [
      { elevenlabsAgentId: "agent_demo_support", name: "Support Desk" },
      { elevenlabsAgentId: "agent_demo_bookings", name: "Bookings" },
    ];
    await tenant.insert(agents).values(demoAgents.map((a) => ({ ...a, organizationId: orgId, syncStatus: "idle", lastSyncedAt: new Date() })));
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
  console.log(`Demo organization ready. Sign in at ${env.appUrl}/login with ${EMAIL} / ${PASSWORD}`);
} finally {
  await tenants?.pool.end();
  await pool.end();
  await embedded?.stop();
}
