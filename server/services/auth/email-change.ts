/**
 * Changing one's email (DESIGN §12): with the current password; the new address starts unverified (platform admin
 * through PLATFORM_ADMIN_EMAILS waits for its confirmation), a confirmation link goes to it and a notice to the old
 * one when SMTP_URL is set.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { AppDeps } from "../../deps";
import { accountTokens, users } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { verifyPassword } from "../../lib/password";
import { recordAudit } from "../audit/record-audit";
import { mailInBackground } from "./account-links";
import { sendEmailConfirmation } from "./email-confirmation";
import { findUserByEmail } from "./users";

const taken = () => new AppError("email_taken", 409, "An account with this email already exists", { email: "Already registered" });

export async function changeEmail(deps: AppDeps, userId: string, input: { email: string; password: string }, ip: string | undefined): Promise<void> {
  const [row] = await deps.db.select().from(users).where(eq(users.id, userId));
  if (!row) throw new AppError("unauthorized", 401, "Sign in to continue");
  if (!row.passwordHash)
    throw new AppError("password_required", 409, "This account signs in with single sign-on: its email is managed by the identity provider");
  if (!(await verifyPassword(input.password, row.passwordHash)))
    throw new AppError("invalid_password", 400, "The current password is not right", { password: "Not your current password" });
  const email = input.email;
  if (email === row.email.toLowerCase()) return;
  // A signed-in person with their password learns whether an address is taken, as registration tells anyone
  // (behind its rate limit): both are documented in decision 009.
  if (await findUserByEmail(deps.db, email)) throw taken();
  try {
    await deps.db.transaction(async (tx) => {
      await tx.update(users).set({ email, emailVerifiedAt: null, emailVerifiedVia: null }).where(eq(users.id, row.id));
      // Links sent to the old address stop working: a confirmation would confirm nothing now, and a reset link in
      // the old mailbox must not outlive the move away from it.
      await tx.delete(accountTokens).where(and(eq(accountTokens.userId, row.id), isNull(accountTokens.usedAt)));
      await recordAudit(tx, { organizationId: row.organizationId, actorUserId: row.id, action: "user.email_changed", target: `${row.email} -> ${email}`, ip });
    });
  } catch (err) {
    if ((err as { code?: string }).code === "23505") throw taken();
    throw err;
  }
  await sendEmailConfirmation(deps, { id: row.id, organizationId: row.organizationId, email, emailVerifiedAt: null });
  if (deps.env.smtpUrl)
    void mailInBackground(
      deps.env.smtpUrl,
      deps.env.appUrl,
      {
        to: row.email,
        subject: "Your VoiceAI Dashboard email was changed",
        text: `The email of your VoiceAI Dashboard account was changed from ${row.email} to ${email}. If you did not do this, ask an admin of your team to make you a password reset link, and sign in to change it back.`,
      },
      deps.log,
      { userId: row.id, purpose: "email_changed_notice" },
    );
}
