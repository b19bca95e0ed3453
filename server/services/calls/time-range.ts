/**
 * `from`/`to` query values and time zones. Dates are whole local days in a zone; date-times are instants.
 * PostgreSQL does the zone arithmetic (one tz database decides every day boundary).
 */
import { sql, type SQL } from "drizzle-orm";
import { DATE_ONLY, dateBoundProblem } from "@shared/dates";
import { AppError } from "../../lib/errors";

export type Bound = { kind: "date"; date: string } | { kind: "instant"; iso: string };

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

export function invalidField(field: string, message: string): AppError {
  return new AppError("invalid_input", 400, "Some fields are invalid", { [field]: message });
}

/** An IANA zone name both Node and PostgreSQL understand; offsets like "+05:00" are refused (PostgreSQL reads them POSIX-inverted). */
export function parseTimeZone(tz: string | undefined, field = "tz"): string {
  if (tz === undefined || tz === "") return "UTC";
  if (!ZONE_NAME.test(tz)) throw invalidField(field, "Use an IANA time zone such as Europe/Paris");
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz;
  } catch {
    throw invalidField(field, "Unknown time zone");
  }
}

export function invalidDate(field: string, message: string): AppError {
  return new AppError("invalid_date", 400, "Dates must be real and between 1970 and 2100", { [field]: message });
}

/** The schemas already refused anything else (shared/dates.ts); checked again here for callers that skip them. */
export function parseBound(value: string | undefined, field: string): Bound | undefined {
  if (value === undefined || value === "") return undefined;
  const problem = dateBoundProblem(value);
  if (problem) throw invalidDate(field, problem);
  return DATE_ONLY.test(value) ? { kind: "date", date: value } : { kind: "instant", iso: new Date(value).toISOString() };
}

/** Start of the range as a timestamptz expression: a date means its local midnight in `tz`. */
export function fromInstantSql(bound: Bound, tz: string): SQL {
  return bound.kind === "date"
    ? sql`(${bound.date}::date::timestamp at time zone ${tz})`
    : sql`${bound.iso}::timestamptz`;
}

/** Exclusive end of the range: a date is included whole, so the end is the next local midnight. */
export function toInstantSql(bound: Bound, tz: string): SQL {
  return bound.kind === "date"
    ? sql`((${bound.date}::date + 1)::timestamp at time zone ${tz})`
    : sql`${bound.iso}::timestamptz`;
}

/** Refuses ranges that are visibly backwards (same kind of bound on both sides). */
export function checkOrder(from: Bound | undefined, to: Bound | undefined): void {
  if (!from || !to || from.kind !== to.kind) return;
  const backwards =
    from.kind === "date" ? from.date > (to as { date: string }).date : from.iso >= (to as { iso: string }).iso;
  if (backwards) throw invalidField("from", "`from` must be before `to`");
}

/** The local calendar date of an instant in a zone, as YYYY-MM-DD. */
export function localDate(at: Date, tz: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: tz,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** PostgreSQL's own refusals of a zone or a date (22023 unknown zone, 22008 out of range) are bad input, not a 500. */
export function asInputError(err: unknown, field = "tz"): unknown {
  const code =
    (err as { code?: string; cause?: { code?: string } })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  if (code === "22023") return invalidField(field, "Unknown time zone");
  if (code === "22008" || code === "22007") return invalidField("from", "Date out of range");
  return err;
}
