/** ElevenLabs agent and conversation ids: the one pattern (shared Zod, the ElevenLabs client, ingestion and sync). */
export const ELEVENLABS_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
export const CALL_STATUSES = ["initiated", "in-progress", "processing", "done", "failed"] as const;
export const CALL_SUCCESS = ["success", "failure", "unknown"] as const;
export const INTEGRATION_STATUSES = ["NOT_CONFIGURED", "PENDING", "ACTIVE", "ERROR"] as const;
export const SYNC_STATUSES = ["idle", "queued", "running", "ok", "error"] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/** Kinds of personal data redaction can replace, in display order (DESIGN.md §11). */
export const REDACTION_KINDS = ["email", "phone", "card", "ssn", "iban"] as const;
