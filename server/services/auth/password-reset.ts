/**
 * Password reset (DESIGN §12): a request always answers the same (no enumeration) and, with SMTP_URL, mails a link
 * valid one hour, once; using it sets the password and ends the person's other sessions. An admin can make a link
 * for a member (server/services/team/member-password-reset.ts) through `issueMemberResetLink`.
 */
import { and, eq, sql } from "drizzle-orm";
import type { AppDeps } from "../../deps";
import { sessions, users } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { hashPassword } from "../../lib/password";
import { recordAudit } from "../audit/record-audit";
import { accountLinkUrl, consumeAccountToken, issueAccountToken, mailInBackground } from "./account-links";
import { isPlatformAdmin } from "./platform-admins";
import { findUserByEmail } from "./users";

/**
 * Resolves the same way, and as fast, for every email: after the one lookup every request makes, the rest (audit,
 * link, mail) happens after the answer, so neither the answer nor its timing tells whether an account exists. With
 * a mail server the link is mailed; without one nothing can reach the person: they ask an admin. Returns that
 * background work for tests (routes ignore it); its failures are logged, never thrown.
 */
export async function requestPasswordReset(deps: AppDeps, email: string, ip: string | undefined): Promise<Promise<void> | null> {
  const row = await findUserByEmail(deps.db, email);
  if (!row) return null;
  const smtpUrl = deps.env.smtpUrl;
  const work = async () => {
    await recordAudit(deps.db, {
      organizationId: row.organizationId,
      actorUserId: null,
      action: "auth.password_reset_requested",
      target: smtpUrl ? `${row.email} (link mailed)` : `${row.email} (no mail server: nothing sent)`,
      ip,
    });
    if (!smtpUrl) return;
    const { token } = await issueAccountToken(deps.db, row, "password_reset", deps.now());
    const link = accountLinkUrl(deps.env.appUrl, "password_reset", token);
    await mailInBackground(
      smtpUrl,
      deps.env.appUrl,
      {
        to: row.email,
        subject: "Reset your VoiceAI Dashboard password",
        text: `Someone (hopefully you) asked to reset the password of ${row.email} on VoiceAI Dashboard.\n\nChoose a new password: ${link}\n\nThe link works once and expires in 1 hour. If you did not ask for it, ignore this email: your password stays as it is.`,
      },
      deps.log,
      { userId: row.id, purpose: "password_reset" },
    );
  };
  return work().catch((err: unknown) => deps.log.warn({ err, userId: row.id }, "password reset request failed after the answer"));
}

/**
 * Sets the new password from a reset link: once, within the hour. Every session of the person ends except
 * `keepSessionId` (the browser that used the link, if it was already theirs).
 */
export async function resetPassword(
  deps: AppDeps,
  input: { token: string; password: string },
  keepSessionId: string | undefined,
  ip: string | undefined,
): Promise<void> {
  const passwordHash = await hashPassword(input.password);
  await deps.db.transaction(async (tx) => {
    const link = await consumeAccountToken(tx, input.token, "password_reset", deps.now());
    const [user] = await tx.update(users).set({ passwordHash }).where(eq(users.id, link.userId)).returning();
    await tx
      .delete(sessions)
      .where(and(sql`${sessions.sess} ->> 'userId' = ${user.id}`, keepSessionId ? sql`${sessions.sid} <> ${keepSessionId}` : undefined));
    await recordAudit(tx, { organizationId: user.organizationId, actorUserId: user.id, action: "auth.password_reset", target: user.email, ip });
  });
}

/**
 * For the Team page: a reset link for a member of `organizationId`, to hand over in person. Never for a platform
 * admin (a tenant's admin must not be able to take over the platform); the role rule is checked by the caller.
 */
export async function issueMemberResetLink(deps: AppDeps, organizationId: string, userId: string) {
  const [row] = await deps.db.select().from(users).where(and(eq(users.id, userId), eq(users.organizationId, organizationId)));
  if (!row) throw new AppError("not_found", 404, "Member not found");
  // A listed address counts too: it becomes platform admin the moment its owner confirms it.
  if (isPlatformAdmin(deps.env.platformAdminEmails, row) || deps.env.platformAdminEmails.includes(row.email.toLowerCase()))
    throw new AppError("platform_admin_protected", 403, "A platform admin's password cannot be reset from a team: they use the sign-in page's reset");
  const { token, expiresAt } = await issueAccountToken(deps.db, row, "password_reset", deps.now());
  return { resetUrl: accountLinkUrl(deps.env.appUrl, "password_reset", token), expiresAt };
}
