/** Resolves an analytics range in a time zone: the instants [fromAt, toAt), its local days and the previous period of equal length. */
import { sql } from "drizzle-orm";
import type { Ctx } from "../context";
import {
  addDays,
  asInputError,
  type Bound,
  fromInstantSql,
  invalidField,
  localDate,
  toInstantSql,
} from "../calls/time-range";

export const MAX_RANGE_DAYS = 1100;
// Milliseconds, like Date.toISOString(): every bound comes from a date or a JS Date, so nothing is lost.
const ISO_UTC = sql`'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

export type UsageRange = {
  tz: string;
  fromAt: string;
  toAt: string;
  firstDay: string;
  lastDay: string;
  previousFromAt: string;
};

/** Fills in missing bounds: by default the last 30 local days, today included. */
export function defaultBounds(
  from: Bound | undefined,
  to: Bound | undefined,
  now: Date,
  tz: string,
  days = 30,
): { from: Bound; to: Bound } {
  const today = localDate(now, tz);
  if (!from && !to)
    return { from: { kind: "date", date: addDays(today, 1 - days) }, to: { kind: "date", date: today } };
  if (from && !to)
    return {
      from,
      to: from.kind === "date" ? { kind: "date", date: today } : { kind: "instant", iso: now.toISOString() },
    };
  if (!from && to)
    return {
      from:
        to.kind === "date"
          ? { kind: "date", date: addDays(to.date, 1 - days) }
          : { kind: "instant", iso: new Date(Date.parse(to.iso) - days * 86_400_000).toISOString() },
      to,
    };
  return { from: from as Bound, to: to as Bound };
}

function roughDays(from: Bound, to: Bound): number {
  const ms = (b: Bound) => Date.parse(b.kind === "date" ? `${b.date}T00:00:00Z` : b.iso);
  return (ms(to) - ms(from)) / 86_400_000;
}

export async function resolveUsageRange(ctx: Ctx, from: Bound, to: Bound, tz: string): Promise<UsageRange> {
  if (roughDays(from, to) > MAX_RANGE_DAYS)
    throw invalidField("from", `The range may span at most ${MAX_RANGE_DAYS} days`);
  const dateMode = from.kind === "date" && to.kind === "date";
  const query = sql`
    with b as (select ${fromInstantSql(from, tz)} as f, ${toInstantSql(to, tz)} as t),
    d as (select f, t, (f at time zone ${tz})::date as first_day, ((t - interval '1 microsecond') at time zone ${tz})::date as last_day from b),
    p as (
      select *, ${
        dateMode ? sql`((first_day - (last_day - first_day + 1))::timestamp at time zone ${tz})` : sql`(f - (t - f))`
      } as pf
      from d
    )
    select
      to_char(f at time zone 'UTC', ${ISO_UTC}) as "fromAt",
      to_char(t at time zone 'UTC', ${ISO_UTC}) as "toAt",
      to_char(first_day, 'YYYY-MM-DD') as "firstDay",
      to_char(last_day, 'YYYY-MM-DD') as "lastDay",
      to_char(pf at time zone 'UTC', ${ISO_UTC}) as "previousFromAt",
      t > f as "ordered"
    from p`;
  let row: Record<string, unknown> | undefined;
  try {
    ({
      rows: [row],
    } = await ctx.db.execute<Record<string, unknown>>(query));
  } catch (err) {
    throw asInputError(err);
  }
  if (!row || !row.ordered) throw invalidField("from", "`from` must be before `to`");
  return {
    tz,
    fromAt: String(row.fromAt),
    toAt: String(row.toAt),
    firstDay: String(row.firstDay),
    lastDay: String(row.lastDay),
    previousFromAt: String(row.previousFromAt),
  };
}
