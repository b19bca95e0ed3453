import { sql } from "drizzle-orm";
import { boolean, index, integer, json, jsonb, numeric, pgPolicy, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { appRole, currentOrganization, tenantPolicy } from "./tenancy";

/** What the last retention run deleted for an organization (shown on the Settings page). */
export type RetentionRunCounts = { calls: number; audio: number; rawEvents: number };

export const organizations = pgTable(
  "organizations",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    slug: text().notNull().unique(),
    pricePerMinuteUsd: numeric({ precision: 12, scale: 4 }).notNull().default("0.10"),
    webhookToken: text().notNull().unique(),
    /** The token before the last rotation: its URL keeps working until previousWebhookTokenExpiresAt. */
    previousWebhookToken: text().unique(),
    previousWebhookTokenExpiresAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    // Data governance (DESIGN.md §11, docs/decisions/012). Retention days: null = keep forever.
    timeZone: text().notNull().default("UTC"),
    retentionCallsDays: integer(),
    retentionAudioDays: integer(),
    retentionRawEventsDays: integer().default(30),
    redactionEnabled: boolean().notNull().default(false),
    redactionKinds: text().array().notNull().default(sql`'{email,phone,card,ssn,iban}'::text[]`),
    storeAudio: boolean().notNull().default(true),
    maskPhoneNumbers: boolean().notNull().default(true),
    /** null = the default: on when SMTP_URL is set. */
    weeklyDigest: boolean(),
    retentionLastRunAt: timestamp({ withTimezone: true }),
    retentionLastCounts: jsonb().$type<RetentionRunCounts>(),
    /**
     * The zone call_quality_days counts its days in (issue 17, docs/decisions/010): the time zone when they were last
     * rebuilt. Null while none are built; the Quality page reads the daily rows only for this zone.
     */
    qualityDaysZone: text().default("UTC"),
  },
  // A tenant sees and changes its own organization only (which columns it may change: server/db/app-role.ts);
  // organizations are created and deleted by the owner (registration, platform admin).
  (t) => [tenantPolicy("organizations", t.id)],
).enableRLS();

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text().notNull(),
    name: text(),
    passwordHash: text(),
    oidcIssuer: text(),
    oidcSubject: text(),
    role: text({ enum: ["owner", "admin", "member", "viewer"] }).notNull(),
    /** Granted by `npm run admin:grant` (or the development login); PLATFORM_ADMIN_EMAILS is read at run time. */
    isPlatformAdmin: boolean().notNull().default(false),
    /** `npm run admin:revoke`: holds over PLATFORM_ADMIN_EMAILS until the next grant. */
    platformAdminRevokedAt: timestamp({ withTimezone: true }),
    platformAdminGrantedAt: timestamp({ withTimezone: true }),
    /** When and how the current email was verified: null = not verified (a password sign-up before confirming). */
    emailVerifiedAt: timestamp({ withTimezone: true }),
    emailVerifiedVia: text({ enum: ["oidc", "link"] }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("users_email_key").on(sql`lower(${t.email})`),
    uniqueIndex("users_oidc_key").on(t.oidcIssuer, t.oidcSubject),
    index("users_organization_idx").on(t.organizationId),
    tenantPolicy("users", t.organizationId),
  ],
).enableRLS();

export const sessions = pgTable(
  "sessions",
  {
    sid: text().primaryKey(),
    sess: json().notNull(),
    expire: timestamp({ precision: 6, withTimezone: false }).notNull(),
  },
  (t) => [
    index("sessions_expire_idx").on(t.expire),
    // Sessions are the owner's (the session store); a tenant may only end the sessions of its own members.
    pgPolicy("sessions_tenant", {
      as: "permissive",
      for: "all",
      to: appRole,
      using: sql`(${t.sess} ->> 'userId') in (select ${users.id}::text from ${users} where ${users.organizationId} = ${currentOrganization})`,
    }),
  ],
).enableRLS();

export const invitations = pgTable(
  "invitations",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text().notNull(),
    role: text({ enum: ["owner", "admin", "member", "viewer"] }).notNull(),
    tokenHash: text().notNull().unique(),
    invitedBy: uuid(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    acceptedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("invitations_organization_idx").on(t.organizationId), tenantPolicy("invitations", t.organizationId)],
).enableRLS();

export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    actorUserId: uuid(),
    action: text().notNull(),
    target: text(),
    ip: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // Append-only for the tenant role: it is granted select and insert only (server/db/app-role.ts).
  (t) => [index("audit_log_organization_created_idx").on(t.organizationId, t.createdAt.desc()), tenantPolicy("audit_log", t.organizationId)],
).enableRLS();
