/** What the accept page shows before sign-up: who was invited, to which organization, with which role. */
import { and, eq, gt, isNull } from "drizzle-orm";
import type { InvitationPreview } from "@shared/schemas";
import type { Role } from "@shared/permissions";
import type { AppDeps } from "../../deps";
import { invitations, organizations } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { sha256 } from "../../lib/crypto";

/** Only the holder of the link learns anything: the token is the secret (stored hashed), and used or expired ones answer 404. */
export async function previewInvitation(deps: AppDeps, token: string): Promise<InvitationPreview> {
  const [row] = await deps.db
    .select({ email: invitations.email, role: invitations.role, expiresAt: invitations.expiresAt, organizationName: organizations.name })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(and(eq(invitations.tokenHash, sha256(token)), isNull(invitations.acceptedAt), gt(invitations.expiresAt, deps.now())));
  if (!row) throw new AppError("invalid_invitation", 404, "This invitation is invalid, used or expired");
  return { email: row.email, role: row.role as Role, organizationName: row.organizationName, expiresAt: row.expiresAt.toISOString() };
}
