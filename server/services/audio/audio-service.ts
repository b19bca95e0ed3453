/** A call's recording: served from call_audio in chunks, or fetched from ElevenLabs once and kept. */
import { and, eq, sql } from "drizzle-orm";
import { callAudio, callAudioChunks, callLogs } from "../../db/schema";
import type { Ctx } from "../context";
import { AppError } from "../../lib/errors";
import { ElevenLabsError } from "../../elevenlabs/errors";
import { elevenLabsClient, requireApiKey, toAppError } from "../integrations/integration-service";
import { storeAudio } from "../ingestion/upsert-call";
import { organizationPreferences } from "../organizations/organization-settings";
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

/** What the route sends: the bytes of a range (or all of them), or 416 when the range lies outside the recording. */
export type CallAudio =
  | { kind: "unsatisfiable"; size: number }
  | { kind: "bytes"; size: number; contentType: string; range: ByteRange | null; body: AsyncIterable<Buffer> };

function bytesOf(size: number, contentType: string, rangeHeader: string | undefined, read: (range: ByteRange | null) => AsyncIterable<Buffer>): CallAudio {
  const range = parseRange(rangeHeader, size);
  if (range === "unsatisfiable") return { kind: "unsatisfiable", size };
  return { kind: "bytes", size, contentType, range, body: read(range) };
}

async function storedAudio(ctx: Ctx, callLogId: string, rangeHeader: string | undefined): Promise<CallAudio | null> {
  const [meta] = await ctx.db
    .select({ size: callAudio.size, contentType: callAudio.contentType, eventId: callAudio.eventId })
    .from(callAudio)
    .where(and(eq(callAudio.callLogId, callLogId), eq(callAudio.organizationId, ctx.organizationId)));
  if (!meta) return null;
  return bytesOf(meta.size, meta.contentType, rangeHeader, (range) => readStored(ctx, callLogId, meta, range));
}

/**
 * Reads the bytes in slices so a long recording never sits whole in memory (the route stops asking when the client
 * is gone). A delivered recording is stored in pieces of AUDIO_CHUNK_BYTES (call_audio_chunks), one fetched from
 * ElevenLabs as one bytea.
 */
async function* readStored(ctx: Ctx, callLogId: string, meta: { size: number; eventId: string | null }, range: ByteRange | null): AsyncGenerator<Buffer> {
  const first = range?.start ?? 0;
  const last = range?.end ?? meta.size - 1;
  for (let offset = first; offset <= last; ) {
    const length = meta.eventId ? Math.min(AUDIO_CHUNK_BYTES - (offset % AUDIO_CHUNK_BYTES), last - offset + 1) : Math.min(CHUNK, last - offset + 1);
    const rows = meta.eventId
      ? await ctx.db.execute<{ chunk: Buffer }>(
          sql`select substring(${callAudioChunks.bytes} from ${(offset % AUDIO_CHUNK_BYTES) + 1} for ${length}) as chunk from ${callAudioChunks} where ${callAudioChunks.eventId} = ${meta.eventId} and ${callAudioChunks.seq} = ${Math.floor(offset / AUDIO_CHUNK_BYTES)} and ${callAudioChunks.organizationId} = ${ctx.organizationId}`,
        )
      : await ctx.db.execute<{ chunk: Buffer }>(
          sql`select substring(${callAudio.bytes} from ${offset + 1} for ${length}) as chunk from ${callAudio} where ${callAudio.callLogId} = ${callLogId} and ${callAudio.organizationId} = ${ctx.organizationId}`,
        );
    const chunk = rows.rows[0]?.chunk;
    if (!chunk || chunk.length === 0) return;
    offset += chunk.length;
    yield chunk;
  }
}

/**
 * Fetches the recording from ElevenLabs with the organization's key and keeps it. Without a Range header and with a
 * known length it is passed through as it arrives (and stored at the end); otherwise it is read whole first.
 */
async function fetchedAudio(ctx: Ctx, call: { id: string; conversationId: string }, rangeHeader: string | undefined): Promise<CallAudio> {
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
  const keep = async (bytes: Buffer) => {
    await ctx.db.transaction((tx) => storeAudio(tx, ctx.organizationId, call.id, bytes, audio.contentType));
  };
  if (!rangeHeader && audio.contentLength !== null) {
    const body = audio.body;
    async function* passThrough(): AsyncGenerator<Buffer> {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const piece of body) {
        const buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
        total += buf.length;
        if (total <= MAX_STORED_BYTES) chunks.push(buf);
        yield buf;
      }
      if (total <= MAX_STORED_BYTES && total > 0) await keep(Buffer.concat(chunks));
    }
    return { kind: "bytes", size: audio.contentLength, contentType: audio.contentType, range: null, body: passThrough() };
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const piece of audio.body) {
    const buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
    total += buf.length;
    if (total > MAX_STORED_BYTES) {
      audio.body.destroy();
      throw new AppError("audio_too_large", 502, "The recording is too large to serve");
    }
    chunks.push(buf);
  }
  if (total === 0) throw notFound();
  const bytes = Buffer.concat(chunks);
  await keep(bytes);
  return bytesOf(bytes.length, audio.contentType, rangeHeader, async function* (range) {
    yield range ? bytes.subarray(range.start, range.end + 1) : bytes;
  });
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

/** A call's recording as the route sends it: from call_audio, or fetched from ElevenLabs (and kept). */
export async function callRecording(ctx: Ctx, callLogId: string, rangeHeader: string | undefined): Promise<CallAudio> {
  const [call, prefs] = await Promise.all([findCall(ctx, callLogId), organizationPreferences(ctx.db, ctx.organizationId, ctx.config)]);
  if (!audioAllowed(prefs, call.startedAt, ctx.now())) throw notFound();
  return (await storedAudio(ctx, call.id, rangeHeader)) ?? (await fetchedAudio(ctx, call, rangeHeader));
}
