/**
 * Dates on the wire, defined once for the Zod contract (so OpenAPI and the client's types say it) and for the
 * services that turn a bound into SQL (server/services/calls/time-range.ts).
 * - Responses carry instants as ISO 8601 in UTC (`Date#toISOString`).
 * - A `from`/`to` query bound is a calendar day (YYYY-MM-DD, a whole day in `tz`) or an instant with its offset
 *   ("10:00" alone would mean whatever zone the server happens to run in).
 */
import { z } from "zod";

export const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const DATE_OR_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/i;
const MIN_YEAR = 1970;
const MAX_YEAR = 9999;

export const DATE_BOUND_FORMAT = "Use YYYY-MM-DD or an ISO date-time with Z or an offset";

/** What is wrong with a `from`/`to` value (the message the API answers with), or null when it is a valid bound. */
export function dateBoundProblem(value: string): string | null {
  if (DATE_ONLY.test(value)) {
    const year = Number(value.slice(0, 4));
    const date = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value || year < MIN_YEAR || year > MAX_YEAR)
      return "Not a real date";
    return null;
  }
  if (!ISO_INSTANT.test(value)) return DATE_BOUND_FORMAT;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return DATE_BOUND_FORMAT;
  const year = new Date(ms).getUTCFullYear();
  if (year < MIN_YEAR || year > MAX_YEAR) return "Date out of range";
  return null;
}

/** An instant in a response. */
export const isoDateTime = z.iso.datetime({ offset: true });

/** A `from`/`to` query value: the same rule the services apply (the pattern shows in OpenAPI, the refinement adds the calendar). */
export const dateBound = z
  .string()
  .max(40)
  .regex(DATE_OR_INSTANT, DATE_BOUND_FORMAT)
  .superRefine((value, ctx) => {
    const problem = DATE_OR_INSTANT.test(value) ? dateBoundProblem(value) : null;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
