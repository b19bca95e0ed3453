/** Invitations: a random token shown once as a link to copy; only its SHA-256 is stored. */
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import { sendMail } from "../../lib/mailer";
import type { Role } from "@shared/permissions";
import type { InvitationCreated } from "@shared/schemas";
import type { Ctx } from "../context";
import { invitations } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import { randomToken, sha256 } from "../../lib/crypto";
import { recordAudit } from "../audit/record-audit";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

type InvitationRow = typeof invitations.$inferSelect;

function toInvitation(row: InvitationRow) {
  return {
    id: row.id,
    email: row.email,
    role: row.role as Role,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

export function inviteUrl(appUrl: string, token: string): string {
  return `${appUrl}/register?token=${encodeURIComponent(token)}`;
}

export async function listPendingInvitations(ctx: Ctx) {
  const rows = await ctx.db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.organizationId, ctx.organizationId),
        isNull(invitations.acceptedAt),
        gt(invitations.expiresAt, ctx.now()),
      ),
    )
    .orderBy(asc(invitations.createdAt), asc(invitations.id));
  return rows.map(toInvitation);
}

export async function createInvitation(
  ctx: Ctx,
  input: { email: string; role: Role },
  ip?: string,
): Promise<InvitationCreated> {
  if (input.role === "owner" && ctx.role !== "owner")
    throw new AppError("owner_required", 403, "Only an owner can invite another owner");
  const email = input.email.toLowerCase();
  // Only a member of this very team is refused (the team's own data). An address with an account in another
  // organization is invited like a new one: a different answer would tell any admin who has an account where
  // (enumeration, issue 16). It is resolved at acceptance, where registration answers email_taken behind its
  // rate limit and SSO signs the person in to their own account.
  if ((await ctx.accounts.organizationOfEmail(email)) === ctx.organizationId)
    throw new AppError("already_member", 409, "This person is already a member of your team", {
      email: "Already a member",
    });

  const token = randomToken(32);
  const now = ctx.now();
  const row = await ctx.db.transaction(async (tx) => {
    // Inviting the same email again replaces the pending invitation: only the newest link works.
    await tx
      .delete(invitations)
      .where(
        and(
          eq(invitations.organizationId, ctx.organizationId),
          sql`lower(${invitations.email}) = ${email}`,
          isNull(invitations.acceptedAt),
        ),
      );
    const [created] = await tx
      .insert(invitations)
      .values({
        organizationId: ctx.organizationId,
        email,
        role: input.role,
        tokenHash: sha256(token),
        invitedBy: ctx.userId,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      })
      .returning();
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actorUserId: ctx.userId,
      action: "invitation.created",
      target: `${email} (${input.role})`,
      ip,
    });
    return created;
  });
  const link = inviteUrl(ctx.config.appUrl, token);
  if (ctx.config.smtpUrl) {
    // The invitation stands whether or not the mail goes out: the link is also shown to copy.
    try {
      await sendMail(ctx.config.smtpUrl, `VoiceAI Dashboard <no-reply@${new URL(ctx.config.appUrl).hostname}>`, {
        to: email,
        subject: "You are invited to VoiceAI Dashboard",
        text: `You have been invited to join your team on VoiceAI Dashboard as ${input.role}.\n\nAccept the invitation: ${link}\n\nThe link works once and expires in 7 days.`,
      });
      ctx.log.info({ invitationId: row.id }, "invitation created and mailed");
    } catch (err) {
      ctx.log.warn({ invitationId: row.id, err: { message: (err as Error).message } }, "invitation created; sending the mail failed, copy the invite link");
    }
  } else ctx.log.info({ invitationId: row.id }, "invitation created; no mail server is configured, the invite link must be copied");
  return { inviteUrl: link, invitation: toInvitation(row) };
}

export async function revokeInvitation(ctx: Ctx, invitationId: string, ip?: string): Promise<void> {
  const [row] = await ctx.db
    .delete(invitations)
    .where(
      and(
        eq(invitations.id, invitationId),
        eq(invitations.organizationId, ctx.organizationId),
        isNull(invitations.acceptedAt),
      ),
    )
    .returning();
  if (!row) throw notFound("Invitation");
  await recordAudit(ctx.db, {
    organizationId: ctx.organizationId,
    actorUserId: ctx.userId,
    action: "invitation.revoked",
    target: `${row.email} (${row.role})`,
    ip,
  });
}
