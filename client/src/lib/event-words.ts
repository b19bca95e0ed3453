/** What a delivery carried, in words: the event types of ElevenLabs' webhooks and of our own sync and test. */
const DELIVERY_TYPES: Record<string, string> = {
  post_call_transcription: "Transcript",
  post_call_audio: "Recording",
  call_initiation_failure: "Call that failed to start",
  sync_conversation: "Conversation",
  voiceai_test_event: "Test event",
};

export function deliveryTypeInWords(type: string | null): string {
  if (!type) return "Unreadable";
  return DELIVERY_TYPES[type] ?? type;
}
