import pino from "pino";
import pretty from "pino-pretty";

/** Header names and fields that must never reach a log line. */
export const REDACT_PATHS = [
  "req.headers.cookie",
  "req.headers.authorization",
  'req.headers["xi-api-key"]',
  'req.headers["elevenlabs-signature"]',
  'res.headers["set-cookie"]',
  "apiKey",
  "webhookSecret",
  "password",
  "*.apiKey",
  "*.webhookSecret",
  "*.password",
];

/** Properties of database errors that hold the statement's values: Drizzle's `params`, PostgreSQL's `detail` ("Key (email)=(…)"). */
const VALUE_PROPERTIES = new Set(["params", "detail", "parameters"]);

/**
 * Drizzle's "params: …" line, and the input PostgreSQL quotes at the end of a message (invalid input syntax for type
 * uuid: "…", out of range: "…"), wherever they appear in a message or a stack with its "caused by:" chain.
 */
function scrubText(text: string, postgresMessage: boolean): string {
  let out = text.replace(/\nparams: [\s\S]*?(?=\n\s+at |\ncaused by: |$)/g, "");
  out = out.replace(/^((?:caused by: )?error: [^\n]*?): "[^\n]*"$/gm, '$1: "[value]"');
  return postgresMessage ? out.replace(/: ".*"$/s, ': "[value]"') : out;
}

/**
 * A copy of `err` (and its causes) without the values a failed statement was given: they can hold personal data
 * (emails, names, transcripts). Kept: the SQL text, the SQLSTATE, the constraint, table and column names. Works on
 * an Error and on pino's already-serialized form of one (pino-http serializes before calling ours).
 */
export function withoutQueryValues(err: unknown, depth = 0): unknown {
  if (!err || typeof err !== "object" || depth > 5) return err;
  const e = err as Record<string, unknown> & { message?: unknown; stack?: unknown; cause?: unknown; query?: unknown; code?: unknown };
  const drizzle = "params" in e && typeof e.query === "string";
  const postgres = typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) && "severity" in e;
  const copy = Object.create(Object.getPrototypeOf(e) as object) as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(e)) if (!VALUE_PROPERTIES.has(key)) copy[key] = e[key];
  if (typeof e.message === "string") copy.message = drizzle ? `Failed query: ${String(e.query)}` : scrubText(e.message, postgres);
  if (typeof e.stack === "string") copy.stack = scrubText(e.stack, false);
  if (e.cause) copy.cause = withoutQueryValues(e.cause, depth + 1);
  return copy;
}

/** pino's error serializer, minus query values (DESIGN §12, issue 16): used by the app logger and pino-http's. */
export const errorSerializer = (err: unknown) => {
  const clean = withoutQueryValues(err);
  // pino-http hands over errors it already serialized: scrubbed, they keep their type (a second pass would call them "Object").
  return err instanceof Error ? pino.stdSerializers.err(clean as Error) : clean;
};

/**
 * JSON lines (for log collectors), or readable colored lines when stdout is a terminal (a person running
 * `npm start`). Redaction applies to both.
 */
export function createLogger(level = "info", destination?: pino.DestinationStream): pino.Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, serializers: { err: errorSerializer } };
  if (!destination && process.stdout.isTTY) return pino(options, pretty({ sync: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" }));
  return pino(options, destination);
}

export type Logger = pino.Logger;
