/** Builds a service context from the app's dependencies: the one place where owner-held capabilities are narrowed for a tenant. */
import type { AppDeps, Caller } from "./deps";
import type { Ctx } from "./services/context";
import { findUserByEmail } from "./services/auth/users";
import { issueMemberResetLink } from "./services/auth/password-reset";
import { forgetWebhookSecrets, rotateWebhookToken } from "./services/ingestion/webhook-tokens";

/** The service context of one organization: for a signed-in caller, or for work that no user started (webhooks, jobs). */
export function tenantCtx(deps: AppDeps, organizationId: string, caller: Caller = { userId: "", role: "owner", isPlatformAdmin: false }): Ctx {
  return {
    organizationId,
    userId: caller.userId,
    role: caller.role,
    isPlatformAdmin: caller.isPlatformAdmin,
    db: deps.tenantDb(organizationId),
    log: caller.log ?? deps.log,
    now: deps.now,
    jobs: deps.jobs,
    encryptor: deps.encryptor,
    elevenlabs: deps.elevenlabs,
    ingestion: {
      webhookSecretsChanged: async () => {
        await forgetWebhookSecrets(deps.db, deps.webhookTokens, organizationId);
      },
      rotateWebhookToken: (previousUntil) => rotateWebhookToken(deps.db, deps.webhookTokens, organizationId, previousUntil),
      signalInbox: () => deps.inbox.signal(deps.db),
    },
    accounts: {
      organizationOfEmail: async (email) => (await findUserByEmail(deps.db, email))?.organizationId ?? null,
      memberPasswordResetLink: (userId) => issueMemberResetLink(deps, organizationId, userId),
    },
    config: { appUrl: deps.env.appUrl, smtpUrl: deps.env.smtpUrl, elevenLabsApiUrl: deps.env.elevenLabsApiUrl, allowPrivateTargets: deps.env.allowPrivateTargets, retentionIntervalSeconds: deps.env.retentionIntervalSeconds },
  };
}
