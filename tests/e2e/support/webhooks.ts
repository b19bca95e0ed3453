/** Delivers a signed post-call webhook the way ElevenLabs does (HMAC-SHA256 of "<t>.<raw body>"). */
import { createHmac } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { makeConversation, type FakeConversation } from "../../fake-elevenlabs/server";

export function signature(secret: string, rawBody: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const digest = createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex");
  return `t=${timestamp},v0=${digest}`;
}

export async function deliverTranscription(
  request: APIRequestContext,
  webhookUrl: string,
  secret: string,
  agentId: string,
  overrides: Parameters<typeof makeConversation>[1] = {},
): Promise<FakeConversation> {
  const conversation = makeConversation(agentId, { startUnix: Math.floor(Date.now() / 1000) - 120, ...overrides });
  const raw = JSON.stringify({ type: "post_call_transcription", event_timestamp: Math.floor(Date.now() / 1000), data: conversation });
  const response = await request.post(webhookUrl, {
    headers: { "content-type": "application/json", "elevenlabs-signature": signature(secret, raw) },
    data: raw,
  });
  if (response.status() !== 200) throw new Error(`webhook answered ${response.status()}: ${await response.text()}`);
  return conversation;
}
