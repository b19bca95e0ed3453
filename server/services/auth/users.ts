import { eq, sql } from "drizzle-orm";
import type { User } from "@shared/schemas";
import type { Role } from "@shared/permissions";
import type { AppDeps } from "../../deps";
import { organizations, users } from "../../db/schema";
import { randomToken } from "../../lib/crypto";
import type { OwnerDb } from "../../db/owner";
import type { Queryable } from "../../db/tenant";
import { isPlatformAdmin } from "./platform-admins";

export type UserRow = typeof users.$inferSelect;

export async function findUserByEmail(db: OwnerDb, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return row;
}

/** The signed-in user as the API shows it, or null when the user no longer exists. */
export async function getUserView(deps: AppDeps, userId: string): Promise<User | null> {
  const [row] = await deps.db
    .select({ user: users, organization: { id: organizations.id, name: organizations.name, timeZone: organizations.timeZone } })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.organizationId))
    .where(eq(users.id, userId));
  if (!row) return null;
  return {
    id: row.user.id,
    email: row.user.email,
    name: row.user.name,
    role: row.user.role as Role,
    isPlatformAdmin: isPlatformAdmin(deps.env.platformAdminEmails, row.user),
    emailVerified: row.user.emailVerifiedAt !== null,
    organization: row.organization,
  };
}

function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${base || "org"}-${randomToken(4).toLowerCase().replace(/[^a-z0-9]/g, "")}`;
}

/** A new organization: the onboarding step of every first sign-up. */
export async function createOrganization(db: Queryable, name: string) {
  const [org] = await db
    .insert(organizations)
    .values({ name, slug: slugify(name), webhookToken: randomToken(24) })
    .returning();
  return org;
}

export async function touchLogin(db: OwnerDb, userId: string): Promise<void> {
  await db.update(users).set({ lastLoginAt: sql`now()` }).where(eq(users.id, userId));
}
