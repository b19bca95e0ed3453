import type { ZodError } from "zod";

/** An error with a stable code the client can act on. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what = "Resource") => new AppError("not_found", 404, `${what} not found`);
export const forbidden = (message = "You are not allowed to do this") => new AppError("forbidden", 403, message);

/** 400 invalid_input with a message per field; invalid_date when a date field is what is wrong (DESIGN §12). */
export function validationError(error: ZodError): AppError {
  const fields: Record<string, string> = {};
  let badDate = false;
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join(".") : "_";
    fields[key] ??= issue.message;
    if ((issue as { params?: { code?: unknown } }).params?.code === "invalid_date") badDate = true;
  }
  return badDate
    ? new AppError("invalid_date", 400, "Dates must be real and between 1970 and 2100", fields)
    : new AppError("invalid_input", 400, "Some fields are invalid", fields);
}

/** Socket-level codes of a connection that could not be made or was lost. */
const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND"]);
/**
 * SQLSTATEs of a server going away or not taking connections: admin_shutdown, crash_shutdown, cannot_connect_now,
 * connection_exception and its subclasses, too_many_connections.
 */
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006", "08P01", "53300"]);
/** The messages node-postgres and pg-pool use for a lost or unobtainable connection (they carry no code). */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|Cannot use a pool after calling end on the pool|Query read timeout|Connection is closed/i;

/** True for errors meaning the database cannot be reached right now (every form node-postgres reports it in). */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  const e = err as { code?: string; message?: string; cause?: unknown; errors?: unknown[] } | null;
  if (!e || typeof e !== "object" || depth > 5) return false;
  if (typeof e.code === "string" && (UNAVAILABLE_CODES.has(e.code) || UNAVAILABLE_SQLSTATES.has(e.code))) return true;
  if (UNAVAILABLE_MESSAGES.test(e.message ?? "")) return true;
  // Drizzle wraps driver errors (cause); net wraps per-address failures (AggregateError).
  if (e.cause && isDatabaseUnavailable(e.cause, depth + 1)) return true;
  return Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x, depth + 1));
}

/** True for PostgreSQL refusing text it cannot store (NUL, lone surrogates in jsonb): bad input, not a server fault. */
export function isUnstorableText(err: unknown, depth = 0): boolean {
  const e = err as { code?: string; cause?: unknown } | null;
  if (!e || depth > 5) return false;
  if (e.code === "22021" || e.code === "22P05") return true;
  return Boolean(e.cause) && isUnstorableText(e.cause, depth + 1);
}

/** What PostgreSQL said about a failed statement, without any value it was given: for the log of an unhandled error. */
export function databaseFacts(err: unknown, depth = 0): Record<string, string> | undefined {
  const e = err as { code?: unknown; severity?: unknown; constraint?: unknown; table?: unknown; column?: unknown; routine?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== "object" || depth > 5) return undefined;
  if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) && e.severity !== undefined) {
    const facts: Record<string, string> = { sqlstate: e.code };
    for (const key of ["constraint", "table", "column", "routine"] as const) if (typeof e[key] === "string") facts[key] = e[key] as string;
    return facts;
  }
  return databaseFacts(e.cause, depth + 1);
}
