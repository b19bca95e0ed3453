import pino from "pino";

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

export function createLogger(level = "info", destination?: pino.DestinationStream): pino.Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } }, destination);
}

export type Logger = pino.Logger;
