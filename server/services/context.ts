/**
 * What a service receives: the caller's organization and role, and the capabilities it may use. The database
 * handle is a TenantDb (one organization, row-level security under it); there is no way from here to the owner.
 */
import type { Role } from "@shared/permissions";
import type { TenantDb } from "../db/tenant";
import type { ElevenLabsClients } from "../elevenlabs/client";
import type { Jobs } from "./jobs";
import type { Encryptor } from "../lib/crypto";
import type { Logger } from "../lib/logger";

export type Ctx = {
  organizationId: string;
  userId: string;
  role: Role;
  isPlatformAdmin: boolean;
  db: TenantDb;
  log: Logger;
  now: () => Date;
  jobs: Jobs;
  encryptor: Encryptor;
  /** The ElevenLabs client for an API key (decrypted by the caller from the organization's integration). */
  elevenlabs: ElevenLabsClients;
  /** What ingestion keeps about this organization outside the database (decision 003: capabilities, not handles). */
  ingestion: {
    /** The organization's webhook secret, integration or token changed: every cache of it is dropped, on every instance. */
    webhookSecretsChanged(): Promise<void>;
    /**
     * A new webhook token (generated here, never chosen by the caller); the previous one keeps working until
     * `previousUntil`. The tenant role may not write tokens (a guessable one would open the URL to anyone).
     */
    rotateWebhookToken(previousUntil: Date): Promise<void>;
    /** New events are in the inbox: wake the projector. */
    signalInbox(): void;
  };
  /**
   * Cross-organization questions a service may ask, each answered by the owner handle for one purpose only
   * (decision 003): which organization an email's account belongs to (an email has one account platform-wide).
   */
  accounts: {
    organizationOfEmail(email: string): Promise<string | null>;
    /** A password reset link for a member of this organization (never a platform admin; DESIGN §12). */
    memberPasswordResetLink(userId: string): Promise<{ resetUrl: string; expiresAt: Date }>;
  };
  /** The public settings services need (never secrets: those stay in env). */
  config: { appUrl: string; smtpUrl: string | undefined; elevenLabsApiUrl: string; allowPrivateTargets: boolean; retentionIntervalSeconds: number };
};
