import { and, eq, gt, isNull } from "drizzle-orm";
import type { RegisterInput } from "@shared/schemas";
import type { Role } from "@shared/permissions";
import type { AppDeps } from "../../deps";
import { invitations, users } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { sha256 } from "../../lib/crypto";
import type { Tx } from "../../db/client";
import { hashPassword } from "../../lib/password";
import { createOrganization, findUserByEmail } from "./users";
import { recordAudit } from "../audit/record-audit";
import { sendEmailConfirmation } from "./email-confirmation";


/** Accepts a pending invitation inside `tx`; returns the organization and role it grants. */
export async function acceptInvitation(tx: Tx, token: string, email: string, now: Date) {
  const [invite] = await tx
    .update(invitations)
    .set({ acceptedAt: now })
    .where(
      and(
        eq(invitations.tokenHash, sha256(token)),
        isNull(invitations.acceptedAt),
        gt(invitations.expiresAt, now),
      ),
    )
    .returning();
  if (!invite) throw new AppError("invalid_invitation", 400, "This invitation is invalid, used or expired");
  if (invite.email.toLowerCase() !== email.toLowerCase())
    throw new AppError("invalid_invitation", 400, "This invitation was sent to another email address");
  return { organizationId: invite.organizationId, role: invite.role as Role };
}

export async function registerUser(deps: AppDeps, input: RegisterInput, ip: string | undefined): Promise<string> {
  if (await findUserByEmail(deps.db, input.email))
    throw new AppError("email_taken", 409, "An account with this email already exists", { email: "Already registered" });
  const passwordHash = await hashPassword(input.password);
  let created: { id: string; organizationId: string };
  try {
    created = await deps.db.transaction(async (tx) => {
      let organizationId: string;
      let role: Role = "owner";
      if (input.inviteToken) {
        ({ organizationId, role } = await acceptInvitation(tx, input.inviteToken, input.email, deps.now()));
      } else {
        const orgName = input.organizationName || `${input.name || input.email.split("@")[0]}'s organization`;
        organizationId = (await createOrganization(tx, orgName)).id;
      }
      const [user] = await tx
        .insert(users)
        .values({ organizationId, email: input.email, name: input.name || null, passwordHash, role, lastLoginAt: deps.now() })
        .returning({ id: users.id });
      await recordAudit(tx, {
        organizationId,
        actorUserId: user.id,
        action: input.inviteToken ? "invitation.accepted" : "user.registered",
        target: input.email,
        ip,
      });
      return { id: user.id, organizationId };
    });
  } catch (err) {
    if ((err as { code?: string }).code === "23505")
      throw new AppError("email_taken", 409, "An account with this email already exists", { email: "Already registered" });
    throw err;
  }
  // Neither a password nor an invitation proves the address (an inviter holds the invite link too): with a mail
  // server, a confirmation link goes to it (DESIGN §12).
  await sendEmailConfirmation(deps, { ...created, email: input.email, emailVerifiedAt: null });
  return created.id;
}
