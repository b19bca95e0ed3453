/** Finds or creates the local user behind an OIDC identity (the onboarding of a first SSO sign-in). */
import { and, eq, isNull } from "drizzle-orm";
import type { Role } from "@shared/permissions";
import type { AppDeps } from "../../deps";
import type { OwnerDb } from "../../db/owner";
import { users } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { recordAudit } from "../audit/record-audit";
import { acceptInvitation } from "./register";
import { createOrganization, findUserByEmail, touchLogin, type UserRow } from "./users";
import type { OidcIdentity } from "./oidc";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

async function findBySubject(db: OwnerDb, identity: OidcIdentity): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.oidcIssuer, identity.issuer), eq(users.oidcSubject, identity.subject)));
  return row;
}

/**
 * The provider vouches for the account's current address (email_verified: true for that same email): remember it,
 * since platform admin by PLATFORM_ADMIN_EMAILS depends on a verified address (DESIGN §12). Never unset here.
 */
async function noteVerifiedEmail(deps: AppDeps, row: UserRow, identity: OidcIdentity): Promise<void> {
  if (row.emailVerifiedAt || !identity.emailVerified || identity.email !== row.email.toLowerCase()) return;
  await deps.db
    .update(users)
    .set({ emailVerifiedAt: deps.now(), emailVerifiedVia: "oidc" })
    .where(and(eq(users.id, row.id), isNull(users.emailVerifiedAt)));
}

async function signedIn(deps: AppDeps, row: UserRow, identity: OidcIdentity, ip: string | undefined, how: string): Promise<string> {
  await noteVerifiedEmail(deps, row, identity);
  await touchLogin(deps.db, row.id);
  await recordAudit(deps.db, {
    organizationId: row.organizationId,
    actorUserId: row.id,
    action: "auth.sign_in",
    target: how,
    ip,
  });
  return row.id;
}

/**
 * Same issuer and subject: the same user. Otherwise an account with the same email is linked only when the
 * provider vouches for the email (email_verified); else a new user in a new organization, or in the
 * organization of the invitation the sign-in started with.
 */
export async function signInWithOidc(
  deps: AppDeps,
  identity: OidcIdentity,
  inviteToken: string | undefined,
  ip: string | undefined,
): Promise<string> {
  const known = await findBySubject(deps.db, identity);
  if (known) return signedIn(deps, known, identity, ip, "oidc");

  if (!identity.email || !EMAIL.test(identity.email) || identity.email.length > 254)
    throw new AppError("sso_email_missing", 400, "The identity provider did not share an email address");
  const email = identity.email;

  const byEmail = await findUserByEmail(deps.db, email);
  if (byEmail) {
    if (!identity.emailVerified) {
      await recordAudit(deps.db, {
        organizationId: byEmail.organizationId,
        actorUserId: byEmail.id,
        action: "auth.sign_in_failed",
        target: "oidc: email not verified, account not linked",
        ip,
      });
      throw new AppError(
        "email_not_verified",
        403,
        "An account with this email exists; the identity provider has not verified the email, so it was not linked",
      );
    }
    if (byEmail.oidcSubject && byEmail.oidcIssuer === identity.issuer) {
      await recordAudit(deps.db, {
        organizationId: byEmail.organizationId,
        actorUserId: byEmail.id,
        action: "auth.sign_in_failed",
        target: "oidc: email belongs to another identity",
        ip,
      });
      throw new AppError(
        "sso_account_conflict",
        409,
        "This email is already linked to another single sign-on identity",
      );
    }
    const [linked] = await deps.db
      .update(users)
      .set({ oidcIssuer: identity.issuer, oidcSubject: identity.subject })
      .where(eq(users.id, byEmail.id))
      .returning();
    await recordAudit(deps.db, {
      organizationId: linked.organizationId,
      actorUserId: linked.id,
      action: "auth.sso_linked",
      target: identity.issuer,
      ip,
    });
    return signedIn(deps, linked, identity, ip, "oidc");
  }

  if (inviteToken && !identity.emailVerified)
    throw new AppError(
      "email_not_verified",
      403,
      "The identity provider has not verified your email, so the invitation cannot be accepted",
    );

  try {
    const userId = await deps.db.transaction(async (tx) => {
      let organizationId: string;
      let role: Role = "owner";
      if (inviteToken) {
        ({ organizationId, role } = await acceptInvitation(tx, inviteToken, email, deps.now()));
      } else {
        organizationId = (
          await createOrganization(tx, `${identity.name || email.split("@")[0]}'s organization`)
        ).id;
      }
      const [created] = await tx
        .insert(users)
        .values({
          organizationId,
          email,
          name: identity.name,
          role,
          oidcIssuer: identity.issuer,
          oidcSubject: identity.subject,
          lastLoginAt: deps.now(),
          ...(identity.emailVerified ? { emailVerifiedAt: deps.now(), emailVerifiedVia: "oidc" as const } : {}),
        })
        .returning({ id: users.id });
      const audit = { organizationId, actorUserId: created.id, ip };
      await recordAudit(tx, {
        ...audit,
        action: inviteToken ? "invitation.accepted" : "user.registered",
        target: email,
      });
      await recordAudit(tx, { ...audit, action: "auth.sign_in", target: "oidc" });
      return created.id;
    });
    return userId;
  } catch (err) {
    // Two first sign-ins racing: the loser finds the winner's row.
    if ((err as { code?: string }).code === "23505") {
      const winner = await findBySubject(deps.db, identity);
      if (winner) return signedIn(deps, winner, identity, ip, "oidc");
      throw new AppError("email_taken", 409, "An account with this email already exists");
    }
    throw err;
  }
}
