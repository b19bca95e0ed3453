/**
 * The weekly digest: last week (Monday to Monday in the organization's time zone) against the week before, mailed
 * on Monday morning to owners and admins. A week is claimed in digest_runs (unique per organization and week)
 * before mailing, so any number of instances mail it once.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { DigestPreview } from "@shared/alert-schemas";
import { alertEvents, digestRuns, organizations, users } from "../../db/schema";
import type { Ctx } from "../context";
import { sendMail } from "../../lib/mailer";
import { addDays, localDate } from "../calls/time-range";
import { usageByAgent } from "../analytics/usage";
import { getQualityAnalytics } from "../quality/quality-analytics";
import { organizationPreferences, organizationTimeZone } from "../organizations/organization-settings";

/** Digests go out from this local hour on Monday. */
export const DIGEST_LOCAL_HOUR = 8;

type Week = { from: string; to: string; weekStart: string };
type WeekFigures = { calls: number; minutes: number; credits: number; successRate: number | null; alertsFired: number };
export type DigestData = {
  organizationName: string;
  timeZone: string;
  period: { from: string; to: string };
  current: WeekFigures;
  previous: WeekFigures;
  worstCriteria: Array<{ criterionId: string; failed: number; judged: number; failureRate: number }>;
  slowestAgent: { name: string; llmTtfbP90Ms: number } | null;
  url: string;
};

const DOW = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function localParts(at: Date, tz: string): { date: string; weekday: number; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: tz, weekday: "short", hour: "numeric", hourCycle: "h23" }).formatToParts(at).map((p) => [p.type, p.value]),
  );
  return { date: localDate(at, tz), weekday: DOW.indexOf(parts.weekday), hour: Number(parts.hour) };
}

/** The last complete local week before `now`: [Monday 00:00, next Monday 00:00) as instants. */
async function lastWeek(ctx: Ctx, now: Date, tz: string, weeksBack = 1): Promise<Week> {
  const { date, weekday } = localParts(now, tz);
  const thisMonday = addDays(date, -((weekday + 6) % 7));
  const weekStart = addDays(thisMonday, -7 * weeksBack);
  const weekEnd = addDays(weekStart, 7);
  const { rows } = await ctx.db.execute<{ f: string; t: string }>(sql`
    select to_char((${weekStart}::date::timestamp at time zone ${tz}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as f,
           to_char((${weekEnd}::date::timestamp at time zone ${tz}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as t`);
  return { from: rows[0].f, to: rows[0].t, weekStart };
}

async function figures(ctx: Ctx, week: Week): Promise<WeekFigures> {
  const usage = await usageByAgent(ctx, week.from, week.to, undefined);
  const t = usage.reduce(
    (a, r) => ({ calls: a.calls + r.calls, seconds: a.seconds + r.seconds, credits: a.credits + r.credits, success: a.success + r.successCalls, failure: a.failure + r.failureCalls }),
    { calls: 0, seconds: 0, credits: 0, success: 0, failure: 0 },
  );
  const [fired] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(alertEvents)
    .where(
      and(
        eq(alertEvents.organizationId, ctx.organizationId),
        eq(alertEvents.state, "firing"),
        sql`${alertEvents.at} >= ${week.from}::timestamptz and ${alertEvents.at} < ${week.to}::timestamptz`,
      ),
    );
  return {
    calls: t.calls,
    minutes: Math.round((t.seconds / 60) * 100) / 100,
    credits: Math.round(t.credits * 100) / 100,
    successRate: t.success + t.failure ? t.success / (t.success + t.failure) : null,
    alertsFired: fired?.n ?? 0,
  };
}

/** Worst criteria and the agent with the slowest LLM (P90 time to first byte), from the quality pre-aggregates. */
async function quality(ctx: Ctx, week: Week, tz: string): Promise<Pick<DigestData, "worstCriteria" | "slowestAgent">> {
  const q = await getQualityAnalytics(ctx, { from: week.from, to: week.to, tz });
  const worstCriteria = q.criteria
    .filter((c) => c.failed > 0)
    .map((c) => ({ criterionId: c.criterionId, failed: c.failed, judged: c.passed + c.failed, failureRate: c.failed / (c.passed + c.failed) }))
    .sort((x, y) => y.failureRate - x.failureRate || x.criterionId.localeCompare(y.criterionId))
    .slice(0, 3);
  const slowest = q.byAgent.filter((a) => a.llmTtfbP90Ms !== null).sort((x, y) => (y.llmTtfbP90Ms ?? 0) - (x.llmTtfbP90Ms ?? 0))[0];
  return {
    worstCriteria,
    slowestAgent: slowest ? { name: slowest.name ?? slowest.elevenLabsAgentId, llmTtfbP90Ms: Math.round(slowest.llmTtfbP90Ms ?? 0) } : null,
  };
}

export async function buildDigest(ctx: Ctx, now: Date): Promise<DigestData & { weekStart: string }> {
  const tz = await organizationTimeZone(ctx);
  const [week, before] = [await lastWeek(ctx, now, tz, 1), await lastWeek(ctx, now, tz, 2)];
  const [org] = await ctx.db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, ctx.organizationId));
  const [current, previous, q] = [await figures(ctx, week), await figures(ctx, before), await quality(ctx, week, tz)];
  return {
    organizationName: org?.name ?? "",
    timeZone: tz,
    period: { from: week.from, to: week.to },
    weekStart: week.weekStart,
    current,
    previous,
    ...q,
    url: `${ctx.config.appUrl}/dashboard`,
  };
}

function change(now: number | null, before: number | null, kind: "count" | "rate"): string {
  if (now === null || before === null) return "";
  if (kind === "rate") {
    const pts = Math.round((now - before) * 1000) / 10;
    return pts === 0 ? " (same as the week before)" : ` (${pts > 0 ? "+" : ""}${pts} pts vs ${(before * 100).toFixed(1)} %)`;
  }
  if (before === 0) return now === 0 ? " (same as the week before)" : ` (none the week before)`;
  const pct = Math.round(((now - before) / before) * 100);
  return pct === 0 ? " (same as the week before)" : ` (${pct > 0 ? "+" : ""}${pct} % vs ${before})`;
}

const pct = (v: number | null) => (v === null ? "no judged calls" : `${(v * 100).toFixed(1)} %`);
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderDigest(d: DigestData): { subject: string; text: string; html: string } {
  const { current: c, previous: p } = d;
  const lines: Array<[string, string]> = [
    ["Calls", `${c.calls}${change(c.calls, p.calls, "count")}`],
    ["Minutes", `${c.minutes}${change(c.minutes, p.minutes, "count")}`],
    ["Credits", `${c.credits}${change(c.credits, p.credits, "count")}`],
    ["Success rate", `${pct(c.successRate)}${change(c.successRate, p.successRate, "rate")}`],
    ["Alerts fired", `${c.alertsFired}${change(c.alertsFired, p.alertsFired, "count")}`],
    [
      "Worst criteria",
      d.worstCriteria.length ? d.worstCriteria.map((w) => `${w.criterionId} ${(w.failureRate * 100).toFixed(0)} % failed (${w.failed}/${w.judged})`).join("; ") : "none failed",
    ],
    ["Slowest agent", d.slowestAgent ? `${d.slowestAgent.name}: LLM first byte ${d.slowestAgent.llmTtfbP90Ms} ms (P90)` : "no latency measured"],
  ];
  const title = `Your week on VoiceAI Dashboard: ${d.period.from.slice(0, 10)} to ${d.period.to.slice(0, 10)}`;
  const text = `${title}\n${d.organizationName} (${d.timeZone}), against the week before.\n\n${lines.map(([k, v]) => `${k}: ${v}`).join("\n")}\n\nOpen the dashboard: ${d.url}\n`;
  const html = `<h2>${esc(title)}</h2><p>${esc(d.organizationName)} (${esc(d.timeZone)}), against the week before.</p><table>${lines
    .map(([k, v]) => `<tr><th align="left">${esc(k)}</th><td>${esc(v)}</td></tr>`)
    .join("")}</table><p><a href="${esc(d.url)}">Open the dashboard</a></p>`;
  return { subject: `Weekly digest - ${d.organizationName}`, text, html };
}

export async function digestPreviewFor(ctx: Ctx): Promise<DigestPreview> {
  const d = await buildDigest(ctx, ctx.now());
  const { text, html } = renderDigest(d);
  return { period: d.period, text, html };
}

/** Whether the organization's digest is due at `now`: Monday from DIGEST_LOCAL_HOUR in its zone, and it wants one. */
export async function digestDue(ctx: Ctx, now: Date): Promise<boolean> {
  if (!ctx.config.smtpUrl) return false;
  // One read for both: the setting (DESIGN §11 `weeklyDigest`, default on when SMTP_URL is set) and the zone.
  const prefs = await organizationPreferences(ctx.db, ctx.organizationId, { smtpUrl: ctx.config.smtpUrl });
  if (!prefs?.weeklyDigest) return false;
  const local = localParts(now, prefs.timeZone);
  return local.weekday === 1 && local.hour >= DIGEST_LOCAL_HOUR;
}

/** Claims the week, then mails owners and admins; the claim is released when the mail fails, so a later run retries. */
export async function mailDigest(ctx: Ctx, now: Date): Promise<boolean> {
  const digest = await buildDigest(ctx, now);
  const [claimed] = await ctx.db
    .insert(digestRuns)
    .values({ organizationId: ctx.organizationId, weekStart: digest.weekStart })
    .onConflictDoNothing()
    .returning({ id: digestRuns.id });
  if (!claimed) return false;
  const recipients = await ctx.db
    .select({ email: users.email })
    .from(users)
    .where(and(eq(users.organizationId, ctx.organizationId), inArray(users.role, ["owner", "admin"])));
  try {
    const mail = renderDigest(digest);
    const from = `VoiceAI Dashboard <digest@${new URL(ctx.config.appUrl).hostname}>`;
    if (recipients.length) await sendMail(ctx.config.smtpUrl ?? "", from, { to: recipients.map((r) => r.email).join(", "), ...mail });
    await ctx.db.update(digestRuns).set({ recipients: recipients.length }).where(eq(digestRuns.id, claimed.id));
    ctx.log.info({ organizationId: ctx.organizationId, recipients: recipients.length }, "weekly digest mailed");
    return true;
  } catch (err) {
    await ctx.db.delete(digestRuns).where(eq(digestRuns.id, claimed.id));
    throw err;
  }
}
