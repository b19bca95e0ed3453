/** A call's recording: served from call_audio in chunks, or fetched from ElevenLabs once and kept. */
import { and, eq, sql } from "drizzle-orm";
import type { Response } from "express";
import { callAudio, callAudioChunks, callLogs } from "../../db/schema";
import type { Ctx } from "../context";
import { AppError } from "../../lib/errors";
import { ElevenLabsError } from "../../elevenlabs/errors";
import { elevenLabsClient, requireApiKey, toAppError } from "../integrations/integration-service";
import { storeAudio } from "../ingestion/upsert-call";
import { organizationPreferences } from "../billing/organization-settings";
import type { GovernanceSettings } from "@shared/governance-schemas";
import { AUDIO_CHUNK_BYTES } from "../ingestion/inbox";

const CHUNK = 256 * 1024;
/** Larger recordings are streamed through but not kept. */
const MAX_STORED_BYTES = 100 * 1024 * 1024;

export type ByteRange = { start: number; end: number };

/** Parses a single `bytes=` range against a size; null means "send it all", "unsatisfiable" means 416. */
export function parseRange(header: string | undefined, size: number): ByteRange | null | "unsatisfiable" {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null; // multiple or malformed ranges: the whole file is a valid answer
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return "unsatisfiable";
  return { start, end };
}

const notFound = () => new AppError("not_found", 404, "This call has no recording");

async function findCall(ctx: Ctx, id: string) {
  const [call] = await ctx.db
    .select({ id: callLogs.id, conversationId: callLogs.conversationId, startedAt: callLogs.startedAt })
    .from(callLogs)
    .where(and(eq(callLogs.id, id), eq(callLogs.organizationId, ctx.organizationId)));
  if (!call) throw new AppError("not_found", 404, "Not found");
  return call;
}

function writeHead(res: Response, size: number, contentType: string, range: ByteRange | null) {
  res.setHeader("Accept-Ranges", "bytes");
  res.setHeader("Content-Type", contentType);
  res.setHeader("Cache-Control", "private, max-age=3600");
  if (range) {
    res.status(206);
    res.setHeader("Content-Range", `bytes ${range.start}-${range.end}/${size}`);
    res.setHeader("Content-Length", String(range.end - range.start + 1));
  } else {
    res.status(200);
    res.setHeader("Content-Length", String(size));
  }
}

async function sendStored(ctx: Ctx, res: Response, callLogId: string, rangeHeader: string | undefined): Promise<boolean> {
  const [meta] = await ctx.db
    .select({ size: callAudio.size, contentType: callAudio.contentType, eventId: callAudio.eventId })
    .from(callAudio)
    .where(and(eq(callAudio.callLogId, callLogId), eq(callAudio.organizationId, ctx.organizationId)));
  if (!meta) return false;
  const range = parseRange(rangeHeader, meta.size);
  if (range === "unsatisfiable") {
    res.status(416).setHeader("Content-Range", `bytes */${meta.size}`);
    res.end();
    return true;
  }
  writeHead(res, meta.size, meta.contentType, range);
  const first = range?.start ?? 0;
  const last = range?.end ?? meta.size - 1;
  // Read the bytes in slices so a long recording never sits whole in memory. A delivered recording is stored in
  // pieces of AUDIO_CHUNK_BYTES (call_audio_chunks), one fetched from ElevenLabs as one bytea.
  for (let offset = first; offset <= last && !res.destroyed; ) {
    const length = meta.eventId ? Math.min(AUDIO_CHUNK_BYTES - (offset % AUDIO_CHUNK_BYTES), last - offset + 1) : Math.min(CHUNK, last - offset + 1);
    const rows = meta.eventId
      ? await ctx.db.execute<{ chunk: Buffer }>(
          sql`select substring(${callAudioChunks.bytes} from ${(offset % AUDIO_CHUNK_BYTES) + 1} for ${length}) as chunk from ${callAudioChunks} where ${callAudioChunks.eventId} = ${meta.eventId} and ${callAudioChunks.seq} = ${Math.floor(offset / AUDIO_CHUNK_BYTES)} and ${callAudioChunks.organizationId} = ${ctx.organizationId}`,
        )
      : await ctx.db.execute<{ chunk: Buffer }>(
          sql`select substring(${callAudio.bytes} from ${offset + 1} for ${length}) as chunk from ${callAudio} where ${callAudio.callLogId} = ${callLogId} and ${callAudio.organizationId} = ${ctx.organizationId}`,
        );
    const chunk = rows.rows[0]?.chunk;
    if (!chunk || chunk.length === 0) break;
    offset += chunk.length;
    if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
  }
  res.end();
  return true;
}

/** Fetches the recording from ElevenLabs with the organization's key, keeps it, and answers the request. */
async function fetchAndSend(ctx: Ctx, res: Response, call: { id: string; conversationId: string }, rangeHeader: string | undefined): Promise<void> {
  let apiKey: string;
  try {
    apiKey = await requireApiKey(ctx);
  } catch {
    throw notFound();
  }
  let audio;
  try {
    audio = await elevenLabsClient(ctx, apiKey).getConversationAudio(call.conversationId);
  } catch (err) {
    if (err instanceof ElevenLabsError && (err.code === "not_found" || err.code === "invalid_id")) throw notFound();
    throw await toAppError(ctx, err);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const streamThrough = !rangeHeader && audio.contentLength !== null;
  if (streamThrough) writeHead(res, audio.contentLength!, audio.contentType, null);
  for await (const piece of audio.body) {
    const buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
    total += buf.length;
    if (total <= MAX_STORED_BYTES) chunks.push(buf);
    else if (!streamThrough) {
      audio.body.destroy();
      throw new AppError("audio_too_large", 502, "The recording is too large to serve");
    }
    if (streamThrough && !res.write(buf)) await new Promise((resolve) => res.once("drain", resolve));
  }
  if (total <= MAX_STORED_BYTES && total > 0) {
    const bytes = Buffer.concat(chunks);
    await ctx.db.transaction((tx) => storeAudio(tx, ctx.organizationId, call.id, bytes, audio.contentType));
    if (streamThrough) {
      res.end();
      return;
    }
    const range = parseRange(rangeHeader, bytes.length);
    if (range === "unsatisfiable") {
      res.status(416).setHeader("Content-Range", `bytes */${bytes.length}`);
      res.end();
      return;
    }
    writeHead(res, bytes.length, audio.contentType, range);
    res.end(range ? bytes.subarray(range.start, range.end + 1) : bytes);
    return;
  }
  if (streamThrough) res.end();
  else throw notFound();
}

/**
 * Whether a recording may be served or fetched (DESIGN.md §11): not when the organization keeps no audio, nor for a
 * call older than its audio retention (the retention job deleted it, and it is not fetched back).
 */
function audioAllowed(prefs: GovernanceSettings | null, startedAt: Date | null, now: Date): boolean {
  if (!prefs) return true;
  if (!prefs.storeAudio) return false;
  const days = prefs.retention.audioDays;
  return days === null || !startedAt || startedAt.getTime() >= now.getTime() - days * 86_400_000;
}

export async function sendCallAudio(ctx: Ctx, res: Response, callLogId: string, rangeHeader: string | undefined): Promise<void> {
  const [call, prefs] = await Promise.all([findCall(ctx, callLogId), organizationPreferences(ctx.db, ctx.organizationId, ctx.config)]);
  if (!audioAllowed(prefs, call.startedAt, ctx.now())) throw notFound();
  if (await sendStored(ctx, res, call.id, rangeHeader)) return;
  await fetchAndSend(ctx, res, call, rangeHeader);
}
