/**
 * What one inbox event says about a call, as call fields. Pure: the projector and `calls:reproject` both read stored
 * events through here, so a normalizer that learns new fields changes old calls on the next reprojection.
 */
import { z } from "zod";
import { conversationDetail, conversationListItem } from "../../elevenlabs/types";
import { fromDetail, fromInitiationFailure, fromListItem, type CallFields } from "./normalize";
import { ELEVENLABS_ID_PATTERN } from "@shared/constants";

/** The Integrations page's "Send test event": verified and stored like any delivery, builds no call. */
export const TEST_EVENT_TYPE = "voiceai_test_event";

/** A verified event that can never become a call (its state ends `failed` at once, without retries). */
export class UnusableEvent extends Error {}

export type InboxEventRow = {
  id: string;
  organizationId: string;
  type: string | null;
  source: "webhook" | "sync";
  payload: unknown;
  eventAt: Date | null;
  receivedAt: Date;
};

export type Interpretation = { fields: CallFields; eventTime: number; audio?: { eventId: string; size: number } } | { ignored: string } | { nothingToBuild: true };

const ids = z.object({ agent_id: z.string().regex(ELEVENLABS_ID_PATTERN), conversation_id: z.string().regex(ELEVENLABS_ID_PATTERN) });
const audioMarker = ids.extend({ full_audio_bytes: z.number().int().positive() });

/** The payload stored for a sync fetch: the list row it came from and, when fetched, the conversation detail. */
export const syncPayload = z.object({
  fetched_at: z.number(),
  item: conversationListItem.nullish(),
  detail: conversationDetail.nullish(),
});
export type SyncPayload = z.infer<typeof syncPayload>;

function record(value: unknown): Record<string, unknown> | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

export function interpretEvent(event: InboxEventRow): Interpretation {
  const eventTime = (event.eventAt ?? event.receivedAt).getTime();
  const payload = record(event.payload);
  if (!payload) throw new UnusableEvent("invalid_payload: the event has no JSON object body");
  const data = record(payload.data);
  switch (event.type) {
    case "post_call_transcription": {
      const detail = conversationDetail.safeParse(data);
      if (!detail.success || !ids.safeParse(data).success) throw new UnusableEvent("invalid_payload: data is not a conversation");
      return { fields: fromDetail(detail.data), eventTime };
    }
    case "post_call_audio": {
      const parsed = audioMarker.safeParse(data);
      if (!parsed.success) throw new UnusableEvent("invalid_payload: data needs agent_id, conversation_id and base64 full_audio");
      return {
        fields: { elevenlabsAgentId: parsed.data.agent_id, conversationId: parsed.data.conversation_id, hasAudio: true },
        eventTime,
        audio: { eventId: event.id, size: parsed.data.full_audio_bytes },
      };
    }
    case "call_initiation_failure": {
      if (!data || !ids.safeParse(data).success) throw new UnusableEvent("invalid_payload: data needs agent_id and conversation_id");
      const fields = fromInitiationFailure(data)!;
      return { fields: { ...fields, startedAt: fields.startedAt ?? new Date(eventTime) }, eventTime };
    }
    case "sync_conversation": {
      const parsed = syncPayload.safeParse(payload);
      const item = parsed.success ? parsed.data.item : null;
      const detail = parsed.success ? parsed.data.detail : null;
      const conversation = detail ?? item;
      if (!conversation || !ids.safeParse(conversation).success) throw new UnusableEvent("invalid_payload: not a conversation");
      const fields = { ...(item ? fromListItem(item) : {}), ...(detail ? defined(fromDetail(detail)) : {}) } as CallFields;
      return { fields, eventTime };
    }
    case TEST_EVENT_TYPE:
      return { nothingToBuild: true };
    default:
      return { ignored: `ignored: unknown event type ${String(event.type).slice(0, 64)}` };
  }
}
