/**
 * Dates on the wire, defined once for the Zod contract (so OpenAPI and the client's types say it) and for the
 * services that turn a bound into SQL (server/services/calls/time-range.ts).
 * - Responses carry instants as ISO 8601 in UTC (`Date#toISOString`).
 * - A `from`/`to` query bound is a calendar day (YYYY-MM-DD, a whole day in `tz`) or an instant with its offset
 *   ("10:00" alone would mean whatever zone the server happens to run in).
 * - Dates the JSON API accepts are real and within 1970-2100 (DESIGN §12): anything else in a query parameter or
 *   request body answers 400 `invalid_date`, before it reaches PostgreSQL (which refuses year 0 or month 13 with an
 *   error, and accepts year 9999 into arithmetic that overflows).
 */
import { z } from "zod";

export const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const DATE_OR_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/i;
const MONTH = /^\d{4}-\d{2}$/;
/** The same shape as ISO_INSTANT, with its fields captured for the calendar and clock checks. */
const INSTANT_FIELDS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

export const MIN_YEAR = 1970;
export const MAX_YEAR = 2100;
/** The error code of a bad date; zod issues carry it in `params.code` and validationError answers it. */
export const INVALID_DATE = "invalid_date";

type Years = { min: number; max: number };
const API_YEARS: Years = { min: MIN_YEAR, max: MAX_YEAR };
/** For keyset cursors, which carry times of stored rows (a webhook may have said 1969): real, any year PostgreSQL takes. */
export const STORED_YEARS: Years = { min: 1, max: 9999 };

export const DATE_BOUND_FORMAT = "Use YYYY-MM-DD or an ISO date-time with Z or an offset";

/** YYYY-MM-DD that exists (no February 30), by default in 1970-2100. */
export function isApiDate(value: string, years: Years = API_YEARS): boolean {
  const year = Number(value.slice(0, 4));
  if (!DATE_ONLY.test(value) || year < years.min || year > years.max) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** YYYY-MM in 1970-2100. */
export function isApiMonth(value: string): boolean {
  return MONTH.test(value) && isApiDate(`${value}-01`);
}

/** The instant of an ISO date-time with Z or an offset whose every field is real (no 24:00, :60 or +99:99), by default in 1970-2100; else null. */
export function parseApiInstant(value: string, years: Years = API_YEARS): Date | null {
  const m = INSTANT_FIELDS.exec(value);
  if (!m) return null;
  const [, , , , hh, mm, ss, oh, om] = m;
  if (!isApiDate(value.slice(0, 10), { min: years.min - 1, max: years.max + 1 })) return null;
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59 || Number(oh ?? 0) > 23 || Number(om ?? 0) > 59) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) || at.getUTCFullYear() < years.min || at.getUTCFullYear() > years.max ? null : at;
}

/** What is wrong with a `from`/`to` value (the message the API answers with), or null when it is a valid bound. */
export function dateBoundProblem(value: string): string | null {
  if (DATE_ONLY.test(value)) {
    const year = Number(value.slice(0, 4));
    if (year < MIN_YEAR || year > MAX_YEAR) return `Date out of range (${MIN_YEAR}-${MAX_YEAR})`;
    return isApiDate(value) ? null : "Not a real date";
  }
  if (!ISO_INSTANT.test(value)) return DATE_BOUND_FORMAT;
  const at = parseApiInstant(value, STORED_YEARS);
  if (!at) return "Not a real date and time";
  if (at.getUTCFullYear() < MIN_YEAR || at.getUTCFullYear() > MAX_YEAR) return `Date out of range (${MIN_YEAR}-${MAX_YEAR})`;
  return null;
}

/** An instant in a response. */
export const isoDateTime = z.iso.datetime({ offset: true });

/**
 * A `from`/`to` query value: the same rule the services apply (the pattern shows in OpenAPI, the refinement adds the
 * calendar and the 1970-2100 range). Either failing is 400 invalid_date.
 */
export const dateBound = z
  .string()
  .max(40)
  .regex(DATE_OR_INSTANT, DATE_BOUND_FORMAT)
  .superRefine((value, ctx) => {
    const problem = DATE_OR_INSTANT.test(value) ? dateBoundProblem(value) : DATE_BOUND_FORMAT;
    if (problem) ctx.addIssue({ code: "custom", message: problem, params: { code: INVALID_DATE } });
  });

/** A billing month, YYYY-MM within 1970-2100, else 400 invalid_date. */
export const apiMonth = z
  .string()
  .max(20)
  .refine(isApiMonth, { message: `Use YYYY-MM, a month between ${MIN_YEAR} and ${MAX_YEAR}`, params: { code: INVALID_DATE } });
