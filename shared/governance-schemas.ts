/** Data governance and API access (DESIGN.md §11): organization settings, retention status, API tokens. */
import { z } from "zod";
import { isoDateTime } from "./dates";
import { REDACTION_KINDS } from "./constants";

export { REDACTION_KINDS };
export type RedactionKind = (typeof REDACTION_KINDS)[number];
export const redactionKind = z.enum(REDACTION_KINDS);

/** Days to keep; null = keep forever. Ten years at most. */
const retentionDays = z.number().int().min(1).max(3650).nullable();

const IANA_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;
export const timeZoneName = z
  .string()
  .max(64)
  .regex(IANA_ZONE, "Use an IANA time zone such as Europe/Paris")
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "Unknown time zone");

export const retentionSettings = z.object({ callsDays: retentionDays, audioDays: retentionDays, rawEventsDays: retentionDays });
export type RetentionSettings = z.infer<typeof retentionSettings>;
export const redactionSettings = z.object({ enabled: z.boolean(), kinds: z.array(redactionKind) });
export type RedactionSettings = z.infer<typeof redactionSettings>;

export const governanceSettings = z.object({
  timeZone: z.string(),
  retention: retentionSettings,
  redaction: redactionSettings,
  storeAudio: z.boolean(),
  maskPhoneNumbers: z.boolean(),
  weeklyDigest: z.boolean(),
});
export type GovernanceSettings = z.infer<typeof governanceSettings>;

/** PATCH /api/organization: every field optional; omitted ones stay as they are. */
export const governanceSettingsPatch = z.object({
  timeZone: timeZoneName.optional(),
  retention: retentionSettings.partial().strict().optional(),
  redaction: z
    .object({ enabled: z.boolean(), kinds: z.array(redactionKind).max(REDACTION_KINDS.length) })
    .partial()
    .strict()
    .optional(),
  storeAudio: z.boolean().optional(),
  maskPhoneNumbers: z.boolean().optional(),
  weeklyDigest: z.boolean().optional(),
});

const counts = z.object({ calls: z.number(), audio: z.number(), rawEvents: z.number() });

/** GET /api/organization/retention: what the next run will delete, and what the last one did. */
export const retentionStatus = z.object({
  intervalSeconds: z.number(),
  lastRunAt: isoDateTime.nullable(),
  lastDeleted: counts.nullable(),
  cutoffs: z.object({ calls: z.string().nullable(), audio: z.string().nullable(), rawEvents: z.string().nullable() }),
  /** Rows past their cut-off now (counted up to `countCap`; at the cap, read it as "at least"). */
  due: counts,
  countCap: z.number(),
});
export type RetentionStatus = z.infer<typeof retentionStatus>;

// ---- API tokens
export const API_TOKEN_PREFIX = "vad_";

/** Paths under /api that a token may GET (DESIGN.md §11); every other route or method is 403 for a token. */
const TOKEN_ROUTES = [/^\/agents\/?$/, /^\/call-logs(?:\/.*)?$/, /^\/analytics\/.+$/, /^\/billing\/usage\/?$/, /^\/export\/.+$/];

export function tokenMayRead(method: string, path: string): boolean {
  return method.toUpperCase() === "GET" && TOKEN_ROUTES.some((r) => r.test(path));
}
export const apiToken = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: isoDateTime,
  expiresAt: isoDateTime.nullable(),
  lastUsedAt: isoDateTime.nullable(),
});
export type ApiToken = z.infer<typeof apiToken>;
export const apiTokenList = z.object({ data: z.array(apiToken) });
export type ApiTokenList = z.infer<typeof apiTokenList>;
export const createApiTokenInput = z
  .object({ name: z.string().trim().min(1).max(100), expiresInDays: z.number().int().min(1).max(3650).optional() })
  .strict();
export const apiTokenCreated = z.object({
  id: z.string(),
  name: z.string(),
  /** The whole token: shown once, never again. */
  token: z.string(),
  prefix: z.string(),
  createdAt: isoDateTime,
  expiresAt: isoDateTime.nullable(),
});
export type ApiTokenCreated = z.infer<typeof apiTokenCreated>;
export const tokenIdParams = z.object({ id: z.string().uuid() });
