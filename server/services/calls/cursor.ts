/** Opaque keyset cursor for call lists: base64url of [started_at with microseconds | null, id]. */
import { parseApiInstant, STORED_YEARS } from "@shared/dates";
import { AppError } from "../../lib/errors";

export type CallCursor = { startedAt: string | null; id: string };

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(cursor: CallCursor): string {
  return Buffer.from(JSON.stringify([cursor.startedAt, cursor.id])).toString("base64url");
}

export function decodeCursor(value: string | undefined): CallCursor | undefined {
  if (value === undefined || value === "") return undefined;
  const invalid = () => new AppError("invalid_input", 400, "Some fields are invalid", { cursor: "Invalid cursor" });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
  const [startedAt, id] = parsed as unknown[];
  if (typeof id !== "string" || !UUID.test(id)) throw invalid();
  if (
    startedAt !== null &&
    (typeof startedAt !== "string" || !TIMESTAMP.test(startedAt) || !parseApiInstant(startedAt, STORED_YEARS))
  )
    throw invalid();
  return { startedAt: startedAt as string | null, id };
}
