/** Data governance tables (DESIGN.md §11, docs/decisions/012): deleted calls' tombstones and API tokens. */
import { index, integer, numeric, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations, users } from "./organizations";
import { tenantPolicy } from "./tenancy";

/**
 * A call deleted by retention or by a person. Its key keeps sync and retried deliveries from bringing the call back;
 * its usage columns (no content) keep analytics and billing of past months right: the partial hours analytics read
 * from call_logs, and `rollups:rebuild`, count tombstones as the calls they were.
 */
export const callTombstones = pgTable(
  "call_tombstones",
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    conversationId: text().notNull(),
    elevenlabsAgentId: text().notNull(),
    startedAt: timestamp({ withTimezone: true }),
    durationSeconds: integer(),
    callSuccessful: text({ enum: ["success", "failure", "unknown"] }),
    costCredits: numeric({ precision: 14, scale: 2 }),
    reason: text({ enum: ["retention", "deleted"] }).notNull(),
    deletedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.conversationId] }),
    index("call_tombstones_org_started_idx").on(t.organizationId, t.startedAt),
    tenantPolicy("call_tombstones", t.organizationId),
  ],
).enableRLS();

/** Bearer tokens for read-only API access (`vad_…`); only a SHA-256 of the token is stored. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    tokenHash: text().notNull().unique(),
    prefix: text().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  // Tenants list, create and revoke their own tokens; the Bearer check looks a hash up as the owner (decision 003).
  (t) => [index("api_tokens_organization_idx").on(t.organizationId, t.createdAt.desc()), tenantPolicy("api_tokens", t.organizationId)],
).enableRLS();
