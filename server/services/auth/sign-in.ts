/** Password sign-in and the development admin: who may start a session. The route starts it (the session is HTTP's). */
import { eq } from "drizzle-orm";
import type { LoginInput } from "@shared/schemas";
import type { AppDeps } from "../../deps";
import { users } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { verifyPassword } from "../../lib/password";
import { recordAudit } from "../audit/record-audit";
import { createOrganization, findUserByEmail, touchLogin } from "./users";

/**
 * Checks the password (unknown emails take as long as wrong passwords), then lets `startSession` open the session
 * before the sign-in is recorded. A wrong password for a known account is audited.
 */
export async function signInWithPassword(
  deps: AppDeps,
  input: LoginInput,
  ip: string | undefined,
  startSession: (userId: string) => Promise<void>,
): Promise<string> {
  const row = await findUserByEmail(deps.db, input.email);
  const ok = await verifyPassword(input.password, row?.passwordHash ?? null);
  if (!row || !ok) {
    if (row) await recordAudit(deps.db, { organizationId: row.organizationId, actorUserId: row.id, action: "auth.sign_in_failed", target: row.email, ip });
    throw new AppError("invalid_credentials", 401, "Email or password is incorrect");
  }
  await startSession(row.id);
  await touchLogin(deps.db, row.id);
  await recordAudit(deps.db, { organizationId: row.organizationId, actorUserId: row.id, action: "auth.sign_in", target: "password", ip });
  return row.id;
}

const DEV_ADMIN_EMAIL = "dev-admin@localhost";

/** Development only: the platform admin account of a local setup, created (or granted again) on demand. */
export async function ensureDevAdmin(deps: AppDeps): Promise<string> {
  const row = await findUserByEmail(deps.db, DEV_ADMIN_EMAIL);
  if (!row) {
    const org = await createOrganization(deps.db, "Development");
    const [created] = await deps.db
      .insert(users)
      .values({ organizationId: org.id, email: DEV_ADMIN_EMAIL, name: "Dev Admin", role: "owner", isPlatformAdmin: true, platformAdminGrantedAt: deps.now() })
      .returning({ id: users.id });
    return created.id;
  }
  if (!row.isPlatformAdmin) {
    await deps.db.update(users).set({ isPlatformAdmin: true, platformAdminGrantedAt: deps.now(), platformAdminRevokedAt: null }).where(eq(users.id, row.id));
  }
  return row.id;
}
