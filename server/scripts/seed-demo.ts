/**
 * `npm run seed:demo`: a demo organization with three months of calls of two agents, so every page has
 * something to show without an ElevenLabs account. Idempotent: a second run only prints the sign-in.
 */
import { randomBytes } from "node:crypto";
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

const EMAIL = "demo@voiceai.example";
const PASSWORD = "demo password 2026";
const DAYS = 90;

const TOPICS = [
  { title: "Order status", summary: "The caller asked where their order is; the agent gave the delivery date.", lines: ["Where is my order A-1042?", "It shipped yesterday and arrives Friday."] },
  { title: "Change of address", summary: "The caller moved and updated the delivery address.", lines: ["I moved, can you update my address?", "Done, the new address is saved."] },
  { title: "Refund request", summary: "The caller wanted a refund for a damaged item; a refund was issued.", lines: ["The vase arrived broken.", "I am sorry. I have issued a full refund."] },
  { title: "Booking", summary: "The caller booked a table for four on Saturday evening.", lines: ["A table for four on Saturday?", "Booked for 7 pm, see you then."] },
  { title: "Opening hours", summary: "The caller asked about opening hours on public holidays.", lines: ["Are you open on Monday?", "Yes, from 10 am to 4 pm."] },
];

const env = parseEnv();
const embedded = env.databaseUrl ? null : await startEmbeddedPostgres(env.dataDir);
const pool = createPool(env.databaseUrl ?? embedded!.url, 4);
const db = createDb(pool);
let tenants: TenantAccess | undefined;
try {
  await runMigrations(db);
  tenants = await openTenantAccess(db, env.databaseUrl ?? embedded!.url, { appUrl: env.databaseAppUrl, max: 2 });
  const { tenantDb } = tenants;
  const deps: AppDeps = { db, tenantDb, env, log: createLogger("warn"), encryptor: new Encryptor(env.encryptionKeys), jobs: noJobs, now: () => new Date(), webhookTokens: new WebhookTokenCache() };
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
    let n = 0;
    for (let day = DAYS; day >= 0; day--) {
      const perDay = 8 + Math.round(6 * Math.sin(day / 5) + Math.random() * 6);
      for (let i = 0; i < perDay; i++) {
        const topic = TOPICS[Math.floor(Math.random() * TOPICS.length)];
        const agent = demoAgents[topic.title === "Booking" || topic.title === "Opening hours" ? 1 : 0];
        const startedAt = new Date(now - day * 86_400_000 - Math.floor(Math.random() * 86_400_000));
        if (startedAt.getTime() > now) continue;
        const duration = 30 + Math.floor(Math.random() * 420);
        const outcome = Math.random() < 0.82 ? "success" : Math.random() < 0.7 ? "failure" : "unknown";
        await tenant.transaction((tx) =>
          upsertCall(
            tx,
            orgId,
            {
              elevenlabsAgentId: agent.elevenlabsAgentId,
              conversationId: `conv_demo_${randomBytes(6).toString("hex")}`,
              status: "done",
              startedAt,
              durationSeconds: duration,
              callSuccessful: outcome,
              terminationReason: "end_call tool was called",
              summaryTitle: topic.title,
              summary: topic.summary,
              transcript: topic.lines.map((message, k) => ({ role: k % 2 ? "agent" : "user", message, time_in_call_secs: Math.floor((duration * k) / topic.lines.length) })),
              analysis: { evaluation_criteria_results: { resolved: { criteria_id: "resolved", result: outcome, rationale: topic.summary } }, data_collection_results: {} },
              metadata: { phone_call: { direction: "inbound" } },
              costCredits: (duration * 5).toFixed(2),
            },
            "sync",
          ),
        );
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
