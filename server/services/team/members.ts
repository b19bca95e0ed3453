/** Team members of the caller's organization: list, change role, remove, with the last-owner rule. */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Role } from "@shared/permissions";
import type { TeamMembers } from "@shared/schemas";
import { can } from "@shared/permissions";
import type { Ctx } from "../context";
import type { Tx } from "../../db/tenant";
import { sessions, users } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/record-audit";
import { listPendingInvitations } from "./invitations";

type MemberRow = typeof users.$inferSelect;

function toMember(row: MemberRow) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  };
}

export async function listMembers(ctx: Ctx): Promise<TeamMembers> {
  const rows = await ctx.db
    .select()
    .from(users)
    .where(eq(users.organizationId, ctx.organizationId))
    .orderBy(asc(users.createdAt), asc(users.id));
  // Pending invitations (emails of people not yet in the team) are shown to those who manage the team only.
  const invitations = can(ctx.role, "team:manage") ? await listPendingInvitations(ctx) : [];
  return { data: rows.map(toMember), invitations };
}

/** Locks the organization's owners for the rest of the transaction, so two demotions cannot both pass the check. */
async function lockOwnerIds(tx: Tx, organizationId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.organizationId, organizationId), eq(users.role, "owner")))
    .for("update");
  return rows.map((r) => r.id);
}

async function findMemberForUpdate(tx: Tx, ctx: Ctx, memberId: string): Promise<MemberRow> {
  const [row] = await tx
    .select()
    .from(users)
    .where(and(eq(users.id, memberId), eq(users.organizationId, ctx.organizationId)))
    .for("update");
  if (!row) throw notFound("Member");
  return row;
}

/**
 * Owners are managed by owners only: an admin can neither create, demote nor remove one. The caller's ownership
 * is read from the locked rows, not from the request's context, so a concurrent demotion is seen.
 */
function assertMayTouchOwner(ctx: Ctx, owners: string[], target: MemberRow, newRole?: Role) {
  if ((target.role === "owner" || newRole === "owner") && !owners.includes(ctx.userId))
    throw new AppError("owner_required", 403, "Only an owner can grant, change or remove the owner role");
}

export async function changeMemberRole(ctx: Ctx, memberId: string, role: Role, ip?: string) {
  return ctx.db.transaction(async (tx) => {
    const owners = await lockOwnerIds(tx, ctx.organizationId);
    const target = await findMemberForUpdate(tx, ctx, memberId);
    assertMayTouchOwner(ctx, owners, target, role);
    if (target.role === role) return toMember(target);
    if (target.role === "owner" && owners.length <= 1)
      throw new AppError("last_owner", 409, "The organization needs at least one owner: make someone else owner first");
    const [updated] = await tx
      .update(users)
      .set({ role })
      .where(and(eq(users.id, target.id), eq(users.organizationId, ctx.organizationId)))
      .returning();
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actorUserId: ctx.userId,
      action: "member.role_changed",
      target: `${target.email}: ${target.role} -> ${role}`,
      ip,
    });
    return toMember(updated);
  });
}

export async function removeMember(ctx: Ctx, memberId: string, ip?: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const owners = await lockOwnerIds(tx, ctx.organizationId);
    const target = await findMemberForUpdate(tx, ctx, memberId);
    assertMayTouchOwner(ctx, owners, target);
    if (target.role === "owner" && owners.length <= 1)
      throw new AppError("last_owner", 409, "The last owner cannot be removed: make someone else owner first");
    // The removed person's sessions would resolve to no user anyway; drop them so nothing lingers. First: the
    // tenant role may end only sessions of its organization's members (the sessions policy), and they still are one.
    await tx.delete(sessions).where(sql`${sessions.sess} ->> 'userId' = ${target.id}`);
    await tx.delete(users).where(and(eq(users.id, target.id), eq(users.organizationId, ctx.organizationId)));
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actorUserId: ctx.userId,
      action: "member.removed",
      target: `${target.email} (${target.role})`,
      ip,
    });
  });
}
