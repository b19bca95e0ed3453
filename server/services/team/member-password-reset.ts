/** The Team page's "Reset link": a password reset link for a member, to hand over in person (DESIGN §12). */
import { and, eq } from "drizzle-orm";
import { canMakeResetLink, type Role } from "@shared/permissions";
import type { MemberPasswordReset } from "@shared/schemas";
import type { Ctx } from "../context";
import { users } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/record-audit";

export async function createMemberPasswordReset(ctx: Ctx, memberId: string, ip?: string): Promise<MemberPasswordReset> {
  const [member] = await ctx.db
    .select({ id: users.id, email: users.email, role: users.role })
    .from(users)
    .where(and(eq(users.id, memberId), eq(users.organizationId, ctx.organizationId)));
  if (!member) throw notFound("Member");
  if (!canMakeResetLink(ctx.role, member.role as Role))
    throw new AppError("role_too_high", 403, "Reset links are for roles below yours (owners: for everyone but owners)");
  // Issued by the owner side (the token table is not the tenant's), which also refuses platform admins.
  const link = await ctx.accounts.memberPasswordResetLink(member.id);
  await recordAudit(ctx.db, {
    organizationId: ctx.organizationId,
    actorUserId: ctx.userId,
    action: "member.password_reset_link_created",
    target: `${member.email} (${member.role})`,
    ip,
  });
  return { resetUrl: link.resetUrl, expiresAt: link.expiresAt.toISOString() };
}
