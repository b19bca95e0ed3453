/**
 * Single-use links mailed or shown to a person (password reset, email confirmation): random tokens, only their
 * SHA-256 stored (`account_tokens`), one live link per person and purpose, consumed atomically. Owner paths
 * (decision 003): a link is redeemed before anyone is signed in.
 */
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Logger } from "../../lib/logger";
import type { OwnerDb } from "../../db/owner";
import type { Queryable } from "../../db/tenant";
import { accountTokens } from "../../db/schema";
import { randomToken, sha256 } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { sendMail, type Mail } from "../../lib/mailer";

export type AccountTokenPurpose = "password_reset" | "email_confirmation";

export const ACCOUNT_LINK_TTL_MS: Record<AccountTokenPurpose, number> = {
  password_reset: 60 * 60 * 1000,
  email_confirmation: 48 * 60 * 60 * 1000,
};

const PAGE: Record<AccountTokenPurpose, string> = { password_reset: "/reset-password", email_confirmation: "/confirm-email" };

type Person = { id: string; organizationId: string; email: string };
type AccountTokenRow = typeof accountTokens.$inferSelect;

export const invalidLink = () => new AppError("invalid_token", 400, "This link is invalid, used or expired: ask for a new one");

export function accountLinkUrl(appUrl: string, purpose: AccountTokenPurpose, token: string): string {
  return `${appUrl}${PAGE[purpose]}?token=${encodeURIComponent(token)}`;
}

/** A new link for `person`; earlier unused links of the same purpose stop working. */
export async function issueAccountToken(db: OwnerDb, person: Person, purpose: AccountTokenPurpose, now: Date) {
  const token = randomToken(32);
  const expiresAt = new Date(now.getTime() + ACCOUNT_LINK_TTL_MS[purpose]);
  await db.transaction(async (tx) => {
    await tx
      .delete(accountTokens)
      .where(and(eq(accountTokens.userId, person.id), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt)));
    await tx.insert(accountTokens).values({
      organizationId: person.organizationId,
      userId: person.id,
      purpose,
      tokenHash: sha256(token),
      email: person.email,
      expiresAt,
    });
  });
  return { token, expiresAt };
}

/** Marks the link used and returns it, or throws invalid_token (unknown, used, expired or another purpose). Once, even under a race. */
export async function consumeAccountToken(tx: Queryable, token: string, purpose: AccountTokenPurpose, now: Date): Promise<AccountTokenRow> {
  const [row] = await tx
    .update(accountTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(accountTokens.tokenHash, sha256(token)),
        eq(accountTokens.purpose, purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, now),
      ),
    )
    .returning();
  if (!row) throw invalidLink();
  // The other live links of this person and purpose die with it (a reset link used ends every older one).
  await tx
    .delete(accountTokens)
    .where(and(eq(accountTokens.userId, row.userId), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt), sql`${accountTokens.id} <> ${row.id}`));
  return row;
}

export function mailSender(appUrl: string): string {
  return `VoiceAI Dashboard <no-reply@${new URL(appUrl).hostname}>`;
}

/**
 * Sends without holding the request: the answer must not take longer for an existing account than for an unknown
 * email (timing would enumerate accounts), and a slow mail server must not hold a sign-up. Failures are logged
 * without the link.
 */
export function mailInBackground(smtpUrl: string, appUrl: string, mail: Mail, log: Logger, what: Record<string, unknown>): Promise<void> {
  return sendMail(smtpUrl, mailSender(appUrl), mail).then(
    () => log.info(what, "account link mailed"),
    (err: unknown) => log.warn({ ...what, err: { message: (err as Error).message } }, "sending the account link failed"),
  );
}
