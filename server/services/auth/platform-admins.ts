/**
 * Who is a platform admin, and why (DESIGN §12, decision 009). Two ways in:
 * - granted from the server's shell (`npm run admin:grant <email>`): `users.is_platform_admin`;
 * - listed in PLATFORM_ADMIN_EMAILS *and* the account's current email is verified (an OIDC identity with
 *   `email_verified: true`, or a confirmation link mailed to it), and not revoked since (`admin:revoke` holds over
 *   the list until the next grant).
 * Registering a listed address with a password, or accepting an invitation to it, grants nothing by itself.
 */
import { sql } from "drizzle-orm";
import type { PlatformAdmins } from "@shared/schemas";
import type { OwnerDb } from "../../db/owner";
import { organizations, users } from "../../db/schema";
import { recordAudit } from "../audit/record-audit";

type UserRow = typeof users.$inferSelect;

async function findUserByEmail(db: OwnerDb, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return row;
}

export type PlatformAdminFacts = Pick<UserRow, "email" | "isPlatformAdmin" | "platformAdminRevokedAt" | "emailVerifiedAt">;

/** "granted": by the CLI; "verified_email": listed in PLATFORM_ADMIN_EMAILS with a verified address; null: not an admin. */
export function platformAdminSource(listed: readonly string[], row: PlatformAdminFacts): "granted" | "verified_email" | null {
  if (row.isPlatformAdmin) return "granted";
  if (row.platformAdminRevokedAt === null && row.emailVerifiedAt !== null && listed.includes(row.email.toLowerCase())) return "verified_email";
  return null;
}

export function isPlatformAdmin(listed: readonly string[], row: PlatformAdminFacts): boolean {
  return platformAdminSource(listed, row) !== null;
}

export type AdminChange = { outcome: "changed" | "unchanged" | "no_account"; email: string };

/** `npm run admin:grant`: makes the account a platform admin (and lifts an earlier revoke). Audited in its organization. */
export async function grantPlatformAdmin(db: OwnerDb, email: string, now: Date): Promise<AdminChange> {
  const row = await findUserByEmail(db, email);
  if (!row) return { outcome: "no_account", email };
  if (row.isPlatformAdmin) return { outcome: "unchanged", email: row.email };
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ isPlatformAdmin: true, platformAdminGrantedAt: now, platformAdminRevokedAt: null })
      .where(sql`${users.id} = ${row.id}`);
    await recordAudit(tx, { organizationId: row.organizationId, action: "platform_admin.granted", target: `${row.email} (from the server shell)` });
  });
  return { outcome: "changed", email: row.email };
}

/** `npm run admin:revoke`: no longer a platform admin, whatever PLATFORM_ADMIN_EMAILS says, until the next grant. */
export async function revokePlatformAdmin(db: OwnerDb, listed: readonly string[], email: string, now: Date): Promise<AdminChange> {
  const row = await findUserByEmail(db, email);
  if (!row) return { outcome: "no_account", email };
  const wasAdmin = isPlatformAdmin(listed, row);
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ isPlatformAdmin: false, platformAdminRevokedAt: now })
      .where(sql`${users.id} = ${row.id}`);
    if (wasAdmin)
      await recordAudit(tx, { organizationId: row.organizationId, action: "platform_admin.revoked", target: `${row.email} (from the server shell)` });
  });
  return { outcome: wasAdmin ? "changed" : "unchanged", email: row.email };
}

/** For the Admin page: every platform admin and how they became one, and the listed addresses that are not (yet). */
export async function listPlatformAdmins(db: OwnerDb, listed: readonly string[]): Promise<PlatformAdmins> {
  const rows = await db
    .select({ user: users, organization: { id: organizations.id, name: organizations.name } })
    .from(users)
    .innerJoin(organizations, sql`${organizations.id} = ${users.organizationId}`)
    .where(sql`${users.isPlatformAdmin} or lower(${users.email}) = any(${sql.param([...listed])}::text[])`)
    .orderBy(users.email);
  const data: PlatformAdmins["data"] = [];
  const pending: PlatformAdmins["pending"] = [];
  const seen = new Set<string>();
  for (const { user, organization } of rows) {
    seen.add(user.email.toLowerCase());
    const via = platformAdminSource(listed, user);
    if (via)
      data.push({
        id: user.id,
        email: user.email,
        name: user.name,
        organization,
        via,
        emailVerifiedVia: user.emailVerifiedVia ?? null,
        since: (via === "granted" ? user.platformAdminGrantedAt : user.emailVerifiedAt)?.toISOString() ?? null,
      });
    else pending.push({ email: user.email, reason: user.platformAdminRevokedAt ? "revoked" : "email_not_verified" });
  }
  for (const email of listed) if (!seen.has(email)) pending.push({ email, reason: "no_account" });
  return { data, pending };
}
