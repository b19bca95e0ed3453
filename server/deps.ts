/** What createApp needs; index.ts wires the real ones, tests their own. Types only: tenant-context.ts builds a ctx from it. */
import type { Role } from "@shared/permissions";
import type { OwnerDb } from "./db/owner";
import type { TenantDbs } from "./db/tenant";
import type { ElevenLabsClients } from "./elevenlabs/client";
import type { Env } from "./env";
import type { Jobs } from "./services/jobs";
import type { Encryptor } from "./lib/crypto";
import type { Logger } from "./lib/logger";
import type { InboxSignal } from "./services/ingestion/inbox";
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
  /** Wakes this app's projectors when a delivery lands in the inbox (and NOTIFYs the other instances). */
  inbox: InboxSignal;
};

export type Caller = { userId: string; role: Role; isPlatformAdmin: boolean; log?: Logger };
