/** What createApp needs; index.ts wires the real ones, tests their own. */
import type { Role } from "@shared/permissions";
import type { OwnerDb } from "./db/owner";
import type { TenantDbs } from "./db/tenant";
import type { ElevenLabsClients } from "./elevenlabs/client";
import type { Env } from "./env";
import type { Jobs } from "./jobs/types";
import type { Encryptor } from "./lib/crypto";
import type { Logger } from "./lib/logger";
import type { Ctx } from "./services/context";
import { findUserByEmail } from "./services/auth/users";
import { issueMemberResetLink } from "./services/auth/password-reset";
import { signalInbox } from "./services/ingestion/inbox";
import { forgetWebhookSecrets, rotateWebhookToken } from "./services/ingestion/webhook-tokens";
import type { WebhookTokenCache } from "./services/ingestion/webhook-token-cache";

export type AppDeps = {
  /** The owner handle: only for the paths decision 003 lists (sign-in, sessions, webhook routing, sync tick, admin). */
  db: OwnerDb;
  /** Opens one organization's tenant handle (connections logged in as vad_app). */
  tenantDb: TenantDbs;
  env: Env;
  log: Logger;
  encryptor: Encryptor;
  jobs: Jobs;
  now: () => Date;
  /** The ElevenLabs client for an organization's key (server/elevenlabs is the only code that talks to it). */
  elevenlabs: ElevenLabsClients;
  /** Webhook URLs resolved recently; one per app (see the class). */
  webhookTokens: WebhookTokenCache;
};

export type Caller = { userId: string; role: Role; isPlatformAdmin: boolean; log?: Logger };

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
      signalInbox: () => signalInbox(deps.db),
    },
    accounts: {
      organizationOfEmail: async (email) => (await findUserByEmail(deps.db, email))?.organizationId ?? null,
      memberPasswordResetLink: (userId) => issueMemberResetLink(deps, organizationId, userId),
    },
    config: { appUrl: deps.env.appUrl, smtpUrl: deps.env.smtpUrl, elevenLabsApiUrl: deps.env.elevenLabsApiUrl, allowPrivateTargets: deps.env.allowPrivateTargets, retentionIntervalSeconds: deps.env.retentionIntervalSeconds },
  };
}
