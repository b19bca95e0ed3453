/** Signed ElevenLabs webhook deliveries, as ElevenLabs sends them. */
import type { Express } from "express";
import request from "supertest";
import { signatureHeader } from "../../server/elevenlabs/webhook-signature";
import type { FakeConversation } from "../fake-elevenlabs/server";

export function transcriptionEvent(conversation: FakeConversation) {
  return { type: "post_call_transcription", event_timestamp: Math.floor(Date.now() / 1000), data: conversation };
}

export function audioEvent(agentId: string, conversationId: string, audio: Buffer) {
  return { type: "post_call_audio", event_timestamp: Math.floor(Date.now() / 1000), data: { agent_id: agentId, conversation_id: conversationId, full_audio: audio.toString("base64") } };
}

export function failureEvent(agentId: string, conversationId: string, reason = "busy") {
  return { type: "call_initiation_failure", event_timestamp: Math.floor(Date.now() / 1000), data: { agent_id: agentId, conversation_id: conversationId, failure_reason: reason, metadata: {} } };
}

/** POSTs a body signed with `secret` (or with the header given) to a webhook path. */
export function deliver(app: Express, path: string, body: unknown, secret: string, options: { header?: string; timestamp?: number } = {}) {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  return request(app)
    .post(path)
    .set("content-type", "application/json")
    .set("elevenlabs-signature", options.header ?? signatureHeader(secret, raw, options.timestamp))
    .send(raw);
}
