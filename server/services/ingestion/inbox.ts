/**
 * The inbox (webhook_events): the one entry for everything ElevenLabs tells us. Writers (the webhook receiver, sync)
 * insert raw events here and signal the projector; nothing else writes call rows (docs/decisions/007).
 */
import type pg from "pg";
import type { Db, Tx } from "../../db/client";
import type { Queryable } from "../../db/tenant";
import { callAudioChunks, webhookEvents } from "../../db/schema";

export const INBOX_CHANNEL = "vad_inbox";
/** Every piece of a stored recording but the last holds exactly this many bytes (ranges map to pieces directly). */
export const AUDIO_CHUNK_BYTES = 256 * 1024;

export type InboxInsert = {
  organizationId: string;
  type: string | null;
  source: "webhook" | "sync";
  conversationId: string | null;
  eventAt: Date | null;
  payload: unknown;
  /** Set when the event is known unusable at the door (malformed JSON): stored for the record, never projected. */
  failed?: string;
  /** Set when the event is stored for the record only (a deleted call, a recording not kept): never projected. */
  ignored?: string;
  /** A chosen id (audio chunks were written under it first). */
  id?: string;
};

export function inboxRow(event: InboxInsert): typeof webhookEvents.$inferInsert {
  return {
    ...(event.id ? { id: event.id } : {}),
    organizationId: event.organizationId,
    type: event.type ? event.type.slice(0, 64) : null,
    source: event.source,
    conversationId: event.conversationId ? event.conversationId.slice(0, 128) : null,
    eventAt: event.eventAt,
    signatureOk: true,
    payload: event.payload,
    state: event.failed ? "failed" : event.ignored ? "ignored" : "pending",
    error: event.failed ?? event.ignored ?? null,
    processedAt: event.failed || event.ignored ? new Date() : null,
  };
}

export async function insertInboxEvent(db: Queryable, event: InboxInsert): Promise<void> {
  await db.insert(webhookEvents).values(inboxRow(event));
}

/** Writes one fixed-size piece of a recording (in the transaction of its inbox row). */
export async function insertAudioChunk(tx: Tx, organizationId: string, eventId: string, seq: number, bytes: Buffer): Promise<void> {
  await tx.insert(callAudioChunks).values({ organizationId, eventId, seq, bytes });
}

/**
 * Tells projectors that the inbox has work: the local one directly, the others through NOTIFY. NOTIFY takes a
 * database-wide lock at commit, so each process sends at most one per NOTIFY_GAP_MS (trailing edge: the last event
 * of a burst still gets one), instead of one per delivery.
 */
const NOTIFY_GAP_MS = 50;
type Signal = { local: Set<() => void>; lastSent: number; timer: NodeJS.Timeout | null; acks: { windowStart: number; count: number; lastRate: number } };
const signals = new WeakMap<pg.Pool, Signal>();

function signalOf(db: Db): Signal {
  let s = signals.get(db.$client);
  if (!s) signals.set(db.$client, (s = { local: new Set(), lastSent: 0, timer: null, acks: { windowStart: Date.now(), count: 0, lastRate: 0 } }));
  return s;
}

/** Registers a projector of this process to be woken directly (returns the unregister function). */
export function onInboxSignal(db: Db, wake: () => void): () => void {
  const s = signalOf(db);
  s.local.add(wake);
  return () => s.local.delete(wake);
}

/** Rolls the one-second window of acknowledged deliveries over when it has passed. */
function rollAcks(acks: Signal["acks"], now: number) {
  const elapsed = now - acks.windowStart;
  if (elapsed < 1_000) return;
  // A window that ended long ago says nothing about now.
  acks.lastRate = elapsed < 2_000 ? (acks.count * 1_000) / elapsed : 0;
  acks.windowStart = now;
  acks.count = 0;
}

/**
 * Deliveries this process acknowledged per second, over the last full second (or the current one, if higher):
 * the projector yields the cores to acknowledging while it is high (projector.ts).
 */
export function acknowledgedPerSecond(db: Db): number {
  const { acks } = signalOf(db);
  const now = Date.now();
  rollAcks(acks, now);
  return Math.max(acks.lastRate, (acks.count * 1_000) / Math.max(250, now - acks.windowStart));
}

export function signalInbox(db: Db): void {
  const s = signalOf(db);
  rollAcks(s.acks, Date.now());
  s.acks.count++;
  for (const wake of s.local) wake();
  if (s.timer) return;
  const send = () => {
    s.timer = null;
    s.lastSent = Date.now();
    db.$client.query(`select pg_notify('${INBOX_CHANNEL}', '')`).catch(() => {
      // The sweep picks the event up if the notification is lost.
    });
  };
  const wait = s.lastSent + NOTIFY_GAP_MS - Date.now();
  if (wait <= 0) send();
  else {
    s.timer = setTimeout(send, wait);
    s.timer.unref();
  }
}
