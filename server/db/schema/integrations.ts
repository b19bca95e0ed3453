import { boolean, index, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import type { SyncStatus } from "../../../shared/constants";
import { organizations } from "./organizations";
import { tenantPolicy } from "./tenancy";

export const integrations = pgTable(
  "integrations",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    provider: text({ enum: ["elevenlabs"] }).notNull(),
    encryptedApiKey: text(),
    keyHint: text(),
    encryptedWebhookSecret: text(),
    status: text({ enum: ["PENDING", "ACTIVE", "ERROR"] }).notNull().default("PENDING"),
    lastError: text(),
    lastTestedAt: timestamp({ withTimezone: true }),
    /** Sync stops after a 401 until the key changes; backoff after 429. */
    syncBlockedUntil: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("integrations_org_provider_key").on(t.organizationId, t.provider), tenantPolicy("integrations", t.organizationId)],
).enableRLS();

export const agents = pgTable(
  "agents",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    elevenlabsAgentId: text().notNull(),
    name: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSyncedAt: timestamp({ withTimezone: true }),
    syncStatus: text().$type<SyncStatus>().notNull().default("idle"),
    syncError: text(),
    /** Newest call start seen by sync (unix seconds); incremental sync starts from here minus an overlap. */
    syncWatermark: timestamp({ withTimezone: true }),
    /** Checkpointed list cursor of a running backfill, so a crash resumes where it stopped. */
    syncCursor: text(),
    nameRefreshedAt: timestamp({ withTimezone: true }),
    /** Set when a person named the agent: background refreshes from ElevenLabs then leave the name alone. */
    nameIsCustom: boolean().notNull().default(false),
  },
  (t) => [
    unique("agents_org_elevenlabs_agent_key").on(t.organizationId, t.elevenlabsAgentId),
    index("agents_organization_idx").on(t.organizationId),
    tenantPolicy("agents", t.organizationId),
  ],
).enableRLS();
