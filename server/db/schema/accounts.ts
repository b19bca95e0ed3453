/** Account security state: shared rate-limit counters and single-use account links (password reset, email confirmation). */
import { bigint, index, integer, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { organizations, users } from "./organizations";
import { tenantPolicy } from "./tenancy";

/**
 * rate-limiter-flexible's PostgreSQL store (its own CREATE TABLE shape, created here so the app never runs DDL at
 * request time). One row per counted key; `expire` is epoch milliseconds. Keys hold hashes, never emails or addresses.
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: varchar({ length: 255 }).primaryKey(),
    points: integer().notNull().default(0),
    expire: bigint({ mode: "number" }),
  },
  (t) => [index("rate_limits_expire_idx").on(t.expire)],
);

/** Single-use links mailed or shown to a person: only the SHA-256 of the token is kept. */
export const accountTokens = pgTable(
  "account_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text({ enum: ["password_reset", "email_confirmation"] }).notNull(),
    tokenHash: text().notNull().unique(),
    /** The address a confirmation link confirms (the user's email when the link was made). */
    email: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // Read and written by sign-in paths as the owner; the tenant role holds no grant on it (decision 003).
  (t) => [index("account_tokens_user_idx").on(t.userId, t.purpose), tenantPolicy("account_tokens", t.organizationId)],
).enableRLS();
