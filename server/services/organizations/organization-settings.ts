/**
 * The organization's own settings: its name, the price per minute behind every estimated cost, and data governance
 * (time zone, retention, redaction, audio, phone masking, weekly digest; DESIGN.md §11).
 */
import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { OrganizationSettings, updateOrganizationInput } from "@shared/schemas";
import { REDACTION_KINDS, type GovernanceSettings, type RedactionKind } from "@shared/governance-schemas";
import type { Queryable } from "../../db/tenant";
import { organizations } from "../../db/schema";
import type { Ctx } from "../context";
import { notFound } from "../../lib/errors";
import { rebuildQualityDays } from "../quality-facts/quality-days";
import { recordAudit } from "../audit/record-audit";

type OrganizationRow = typeof organizations.$inferSelect;

const governanceColumns = {
  timeZone: organizations.timeZone,
  retentionCallsDays: organizations.retentionCallsDays,
  retentionAudioDays: organizations.retentionAudioDays,
  retentionRawEventsDays: organizations.retentionRawEventsDays,
  redactionEnabled: organizations.redactionEnabled,
  redactionKinds: organizations.redactionKinds,
  storeAudio: organizations.storeAudio,
  maskPhoneNumbers: organizations.maskPhoneNumbers,
  weeklyDigest: organizations.weeklyDigest,
};
type GovernanceRow = Pick<OrganizationRow, keyof typeof governanceColumns>;

function toGovernance(row: GovernanceRow, env: { smtpUrl: string | undefined }): GovernanceSettings {
  return {
    timeZone: row.timeZone,
    retention: { callsDays: row.retentionCallsDays, audioDays: row.retentionAudioDays, rawEventsDays: row.retentionRawEventsDays },
    redaction: {
      enabled: row.redactionEnabled,
      kinds: REDACTION_KINDS.filter((k) => row.redactionKinds.includes(k)),
    },
    storeAudio: row.storeAudio,
    maskPhoneNumbers: row.maskPhoneNumbers,
    // Unset means the default: on exactly when mail can be sent.
    weeklyDigest: row.weeklyDigest ?? Boolean(env.smtpUrl),
  };
}

/**
 * An organization's governance settings, for code that works outside a request (ingestion, retention, alerts,
 * digests). `db` may be a tenant handle of that organization or the owner's handle.
 */
export async function organizationPreferences(
  db: Queryable,
  organizationId: string,
  env: { smtpUrl: string | undefined },
): Promise<GovernanceSettings | null> {
  const [row] = await db.select(governanceColumns).from(organizations).where(eq(organizations.id, organizationId));
  return row ? toGovernance(row, env) : null;
}

/** The zone analytics and billing count days and months in when the request names none. */
export async function organizationTimeZone(ctx: Ctx): Promise<string> {
  const [row] = await ctx.db
    .select({ timeZone: organizations.timeZone })
    .from(organizations)
    .where(eq(organizations.id, ctx.organizationId));
  return row?.timeZone ?? "UTC";
}

export async function getOrganizationSettings(ctx: Ctx): Promise<OrganizationSettings> {
  const [row] = await ctx.db
    .select({ id: organizations.id, name: organizations.name, price: organizations.pricePerMinuteUsd, ...governanceColumns })
    .from(organizations)
    .where(eq(organizations.id, ctx.organizationId));
  if (!row) throw notFound("Organization");
  return { id: row.id, name: row.name, pricePerMinuteUsd: Number(row.price), ...toGovernance(row, ctx.config) };
}

type UpdateInput = z.infer<typeof updateOrganizationInput>;

/** The columns a PATCH sets, and a readable "field=value" per change for the audit log (no free text but the name). */
function changesOf(input: UpdateInput): { set: Partial<typeof organizations.$inferInsert>; audit: string[] } {
  const set: Partial<typeof organizations.$inferInsert> = {};
  const audit: string[] = [];
  const put = <K extends keyof typeof organizations.$inferInsert>(key: K, value: (typeof organizations.$inferInsert)[K], label: string, shown: unknown) => {
    set[key] = value;
    audit.push(`${label}=${shown === null ? "forever" : String(shown)}`);
  };
  if (input.name !== undefined) put("name", input.name, "name", JSON.stringify(input.name));
  if (input.pricePerMinuteUsd !== undefined)
    put("pricePerMinuteUsd", input.pricePerMinuteUsd.toFixed(4), "pricePerMinuteUsd", input.pricePerMinuteUsd);
  if (input.timeZone !== undefined) put("timeZone", input.timeZone, "timeZone", input.timeZone);
  const r = input.retention;
  if (r?.callsDays !== undefined) put("retentionCallsDays", r.callsDays, "retention.callsDays", r.callsDays);
  if (r?.audioDays !== undefined) put("retentionAudioDays", r.audioDays, "retention.audioDays", r.audioDays);
  if (r?.rawEventsDays !== undefined) put("retentionRawEventsDays", r.rawEventsDays, "retention.rawEventsDays", r.rawEventsDays);
  if (input.redaction?.enabled !== undefined) put("redactionEnabled", input.redaction.enabled, "redaction.enabled", input.redaction.enabled);
  if (input.redaction?.kinds !== undefined) {
    const kinds: RedactionKind[] = REDACTION_KINDS.filter((k) => input.redaction?.kinds?.includes(k));
    put("redactionKinds", kinds, "redaction.kinds", kinds.join("+") || "none");
  }
  if (input.storeAudio !== undefined) put("storeAudio", input.storeAudio, "storeAudio", input.storeAudio);
  if (input.maskPhoneNumbers !== undefined) put("maskPhoneNumbers", input.maskPhoneNumbers, "maskPhoneNumbers", input.maskPhoneNumbers);
  if (input.weeklyDigest !== undefined) put("weeklyDigest", input.weeklyDigest, "weeklyDigest", input.weeklyDigest);
  return { set, audit };
}

export async function updateOrganizationSettings(ctx: Ctx, input: UpdateInput, ip?: string): Promise<OrganizationSettings> {
  const { set, audit } = changesOf(input);
  if (audit.length > 0) {
    await ctx.db.transaction(async (tx) => {
      await tx.update(organizations).set(set).where(eq(organizations.id, ctx.organizationId));
      // One entry per change, committed with it.
      for (const target of audit)
        await recordAudit(tx, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: "organization.updated", target, ip });
    });
    // Webhook receivers keep the ingestion policy with the token (no query per delivery): every instance drops it.
    if (set.redactionEnabled !== undefined || set.redactionKinds !== undefined || set.storeAudio !== undefined) await ctx.ingestion.webhookSecretsChanged();
    // The Quality page's daily rows count days in the organization's zone: rebuilt in the new one after the answer
    // (minutes at a million calls). Until then the hourly rows answer, exactly; the retention job finishes a rebuild
    // this process did not.
    if (input.timeZone !== undefined)
      void rebuildQualityDays(ctx.db, ctx.organizationId).catch((err: unknown) =>
        ctx.log.warn({ err }, "rebuilding the quality day rows in the new time zone failed; the retention job retries"),
      );
  }
  return getOrganizationSettings(ctx);
}
