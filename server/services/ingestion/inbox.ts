/**
 * The inbox (webhook_events): the one entry for everything ElevenLabs tells us. Writers (the webhook receiver, sync)
 * insert raw events here and signal the projector; nothing else writes call rows (docs/decisions/007).
 */
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
type AckWindow = { windowStart: number; count: number; lastRate: number };

/** Rolls the one-second window of acknowledged deliveries over when it has passed. */
function rollAcks(acks: AckWindow, now: number) {
  const elapsed = now - acks.windowStart;
  if (elapsed < 1_000) return;
  // A window that ended long ago says nothing about now.
  acks.lastRate = elapsed < 2_000 ? (acks.count * 1_000) / elapsed : 0;
  acks.windowStart = now;
  acks.count = 0;
}

/**
 * One per app (AppDeps.inbox): the projectors it wakes, its NOTIFY throttle and its count of acknowledged deliveries
 * are never shared between apps.
 */
export class InboxSignal {
  private readonly local = new Set<() => void>();
  private lastSent = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly acks: AckWindow = { windowStart: Date.now(), count: 0, lastRate: 0 };

  /** Registers a projector of this app to be woken directly (returns the unregister function). */
  onSignal(wake: () => void): () => void {
    this.local.add(wake);
    return () => this.local.delete(wake);
  }

  /**
   * Deliveries this app acknowledged per second, over the last full second (or the current one, if higher): the
   * projector yields the cores to acknowledging while it is high (projector.ts).
   */
  acknowledgedPerSecond(): number {
    const now = Date.now();
    rollAcks(this.acks, now);
    return Math.max(this.acks.lastRate, (this.acks.count * 1_000) / Math.max(250, now - this.acks.windowStart));
  }

  signal(db: Db): void {
    rollAcks(this.acks, Date.now());
    this.acks.count++;
    for (const wake of this.local) wake();
    if (this.timer) return;
    const send = () => {
      this.timer = null;
      this.lastSent = Date.now();
      db.$client.query(`select pg_notify('${INBOX_CHANNEL}', '')`).catch(() => {
        // The sweep picks the event up if the notification is lost.
      });
    };
    const wait = this.lastSent + NOTIFY_GAP_MS - Date.now();
    if (wait <= 0) send();
    else {
      this.timer = setTimeout(send, wait);
      this.timer.unref();
    }
  }
}
