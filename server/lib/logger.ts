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

/**
 * JSON lines (for log collectors), or readable colored lines when stdout is a terminal (a person running
 * `npm start`). Redaction applies to both.
 */
export function createLogger(level = "info", destination?: pino.DestinationStream): pino.Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } };
  if (!destination && process.stdout.isTTY) return pino(options, pretty({ sync: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" }));
  return pino(options, destination);
}

export type Logger = pino.Logger;
