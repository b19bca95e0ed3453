/** Alert rules: CRUD (audited), their live preview, and their view with state. */
import { and, asc, eq, inArray } from "drizzle-orm";
import {
  createRuleInput,
  STATUS_METRICS,
  type AlertRule,
  type PreviewRuleInput,
  type RulePreview,
  type UpdateRuleInput,
} from "@shared/alert-schemas";
import type { z } from "zod";
import { agents, alertChannels, alertRules } from "../../db/schema";
import type { Ctx } from "../context";
import { AppError, notFound, validationError } from "../../lib/errors";
import { recordAudit } from "../audit/record-audit";
import { measure } from "./metrics";

type RuleRow = typeof alertRules.$inferSelect;

export function toRuleView(row: RuleRow): AlertRule {
  return {
    id: row.id,
    name: row.name,
    metric: row.metric as AlertRule["metric"],
    criterionId: row.criterionId,
    agentId: row.agentId,
    windowMinutes: row.windowMinutes,
    comparator: row.comparator,
    threshold: row.threshold,
    minCalls: row.minCalls,
    channelIds: row.channelIds,
    enabled: row.enabled,
    state: row.state,
    lastValue: row.lastValue,
    lastEvaluatedAt: row.lastEvaluatedAt?.toISOString() ?? null,
    lastFiredAt: row.lastFiredAt?.toISOString() ?? null,
  };
}

/** The agent and channels a rule names must be the organization's own: a foreign id is "not found". */
async function checkReferences(ctx: Ctx, input: { agentId?: string | null; channelIds?: string[] }) {
  if (input.agentId) {
    const [a] = await ctx.db.select({ id: agents.id }).from(agents).where(and(eq(agents.id, input.agentId), eq(agents.organizationId, ctx.organizationId)));
    if (!a) throw notFound("Agent");
  }
  const ids = [...new Set(input.channelIds ?? [])];
  if (ids.length) {
    const found = await ctx.db
      .select({ id: alertChannels.id })
      .from(alertChannels)
      .where(and(eq(alertChannels.organizationId, ctx.organizationId), inArray(alertChannels.id, ids)));
    if (found.length !== ids.length) throw notFound("Channel");
  }
}

export async function listRules(ctx: Ctx): Promise<{ data: AlertRule[] }> {
  const rows = await ctx.db
    .select()
    .from(alertRules)
    .where(eq(alertRules.organizationId, ctx.organizationId))
    .orderBy(asc(alertRules.createdAt), asc(alertRules.id));
  return { data: rows.map(toRuleView) };
}

export async function createRule(ctx: Ctx, input: z.infer<typeof createRuleInput>, ip?: string): Promise<AlertRule> {
  await checkReferences(ctx, input);
  const row = await ctx.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(alertRules)
      .values({
        organizationId: ctx.organizationId,
        name: input.name,
        metric: input.metric,
        criterionId: input.metric === "criterion_failure_rate" ? (input.criterionId ?? null) : null,
        agentId: input.agentId ?? null,
        windowMinutes: input.windowMinutes,
        comparator: input.comparator,
        threshold: input.threshold,
        minCalls: input.minCalls,
        channelIds: [...new Set(input.channelIds)],
        enabled: input.enabled,
      })
      .returning();
    await recordAudit(tx, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: "alert_rule.created", target: input.name, ip });
    return created;
  });
  return toRuleView(row);
}

async function findRule(ctx: Ctx, id: string): Promise<RuleRow> {
  const [row] = await ctx.db.select().from(alertRules).where(and(eq(alertRules.id, id), eq(alertRules.organizationId, ctx.organizationId)));
  if (!row) throw notFound("Rule");
  return row;
}

export async function updateRule(ctx: Ctx, id: string, input: UpdateRuleInput, ip?: string): Promise<AlertRule> {
  const existing = await findRule(ctx, id);
  // The merged rule must be valid as a whole (e.g. a criterion for criterion_failure_rate).
  const merged = createRuleInput.safeParse({ ...toRuleView(existing), ...input });
  if (!merged.success) throw validationError(merged.error);
  await checkReferences(ctx, { agentId: input.agentId, channelIds: input.channelIds });
  const m = merged.data;
  // Changing what is measured starts the rule afresh; enabling/disabling or renaming keeps its state.
  const measuredChanged =
    m.metric !== existing.metric || (m.criterionId ?? null) !== existing.criterionId || (m.agentId ?? null) !== existing.agentId;
  const row = await ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(alertRules)
      .set({
        name: m.name,
        metric: m.metric,
        criterionId: m.metric === "criterion_failure_rate" ? (m.criterionId ?? null) : null,
        agentId: m.agentId ?? null,
        windowMinutes: m.windowMinutes,
        comparator: m.comparator,
        threshold: m.threshold,
        minCalls: m.minCalls,
        channelIds: [...new Set(m.channelIds)],
        enabled: m.enabled,
        updatedAt: ctx.now(),
        ...(measuredChanged || !m.enabled ? { state: "ok" as const, lastValue: null } : {}),
      })
      .where(and(eq(alertRules.id, id), eq(alertRules.organizationId, ctx.organizationId)))
      .returning();
    const what = input.enabled === false ? "alert_rule.disabled" : input.enabled === true && !existing.enabled ? "alert_rule.enabled" : "alert_rule.updated";
    await recordAudit(tx, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: what, target: m.name, ip });
    return updated;
  });
  return toRuleView(row);
}

export async function deleteRule(ctx: Ctx, id: string, ip?: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.delete(alertRules).where(and(eq(alertRules.id, id), eq(alertRules.organizationId, ctx.organizationId))).returning();
    if (!row) throw notFound("Rule");
    await recordAudit(tx, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: "alert_rule.deleted", target: row.name, ip });
  });
}

export async function previewRule(ctx: Ctx, input: PreviewRuleInput): Promise<RulePreview> {
  if (input.metric === "criterion_failure_rate" && !input.criterionId)
    throw new AppError("invalid_input", 400, "Some fields are invalid", { criterionId: "Choose the evaluation criterion" });
  await checkReferences(ctx, { agentId: input.agentId });
  const m = await measure(ctx, input, ctx.now());
  return { value: m.value, calls: STATUS_METRICS.includes(input.metric) ? null : m.calls };
}
