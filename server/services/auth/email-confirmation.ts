/**
 * Email confirmation (DESIGN §12): with SMTP_URL, a link is mailed after a password sign-up (and can be asked for
 * again); following it marks the current address verified. Until then the account works normally, except for what
 * needs a verified address: platform admin through PLATFORM_ADMIN_EMAILS.
 */
import { and, eq, sql } from "drizzle-orm";
import type { AppDeps } from "../../deps";
import { users } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { recordAudit } from "../audit/record-audit";
import { accountLinkUrl, consumeAccountToken, invalidLink, issueAccountToken, mailInBackground } from "./account-links";

type Person = { id: string; organizationId: string; email: string; emailVerifiedAt: Date | null };

/** Mails a confirmation link to the person's current address (nothing without SMTP_URL or when already verified). */
export async function sendEmailConfirmation(deps: AppDeps, person: Person): Promise<Promise<void> | null> {
  const smtpUrl = deps.env.smtpUrl;
  if (!smtpUrl || person.emailVerifiedAt) return null;
  const { token } = await issueAccountToken(deps.db, person, "email_confirmation", deps.now());
  const link = accountLinkUrl(deps.env.appUrl, "email_confirmation", token);
  return mailInBackground(
    smtpUrl,
    deps.env.appUrl,
    {
      to: person.email,
      subject: "Confirm your email for VoiceAI Dashboard",
      text: `Confirm that ${person.email} is your address on VoiceAI Dashboard: ${link}\n\nThe link works once and expires in 48 hours. If you did not sign up, ignore this email.`,
    },
    deps.log,
    { userId: person.id, purpose: "email_confirmation" },
  );
}

/** "Send the link again" for the signed-in person. 409 without a mail server; nothing to do once verified. */
export async function resendEmailConfirmation(deps: AppDeps, userId: string): Promise<void> {
  if (!deps.env.smtpUrl) throw new AppError("mail_not_configured", 409, "This installation sends no email (SMTP_URL is not set)");
  const [row] = await deps.db.select().from(users).where(eq(users.id, userId));
  if (row) await sendEmailConfirmation(deps, row);
}

/** Follows a confirmation link: once, within 48 hours, and only for the address it was sent to. */
export async function confirmEmail(deps: AppDeps, token: string, ip: string | undefined): Promise<void> {
  const now = deps.now();
  await deps.db.transaction(async (tx) => {
    const link = await consumeAccountToken(tx, token, "email_confirmation", now);
    const [user] = await tx
      .update(users)
      // Already verified (SSO, an earlier link): keep when and how.
      .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now})`, emailVerifiedVia: sql`coalesce(${users.emailVerifiedVia}, 'link')` })
      .where(and(eq(users.id, link.userId), sql`lower(${users.email}) = lower(${link.email})`))
      .returning();
    // The address changed since the link was sent: it confirms nothing about the current one.
    if (!user) throw invalidLink();
    await recordAudit(tx, { organizationId: user.organizationId, actorUserId: user.id, action: "user.email_confirmed", target: user.email, ip });
  });
}

