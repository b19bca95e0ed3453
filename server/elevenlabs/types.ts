/** ElevenLabs API shapes (see ELEVENLABS.md). Read defensively: fields appear and disappear over time. */
import { z } from "zod";

export const elevenLabsTurn = z
  .object({
    role: z.string().catch("unknown"),
    message: z.string().nullish().catch(null),
    time_in_call_secs: z.number().nullish().catch(null),
  })
  .passthrough();

export const conversationDetail = z
  .object({
    agent_id: z.string(),
    conversation_id: z.string(),
    status: z.string().nullish(),
    transcript: z.array(elevenLabsTurn).nullish().catch(null),
    metadata: z.record(z.string(), z.unknown()).nullish().catch(null),
    analysis: z.record(z.string(), z.unknown()).nullish().catch(null),
    has_audio: z.boolean().nullish().catch(null),
  })
  .passthrough();
export type ConversationDetail = z.infer<typeof conversationDetail>;

export const conversationListItem = z
  .object({
    agent_id: z.string(),
    agent_name: z.string().nullish(),
    conversation_id: z.string(),
    start_time_unix_secs: z.number().nullish(),
    call_duration_secs: z.number().nullish(),
    message_count: z.number().nullish(),
    status: z.string().nullish(),
    call_successful: z.string().nullish(),
    transcript_summary: z.string().nullish(),
    call_summary_title: z.string().nullish(),
  })
  .passthrough();
export type ConversationListItem = z.infer<typeof conversationListItem>;

/** A page of conversations: a row that does not parse is counted in `skipped`, never fails the page. */
export const conversationPage = z
  .object({
    conversations: z.array(z.unknown()),
    next_cursor: z.string().nullish(),
    has_more: z.boolean().nullish(),
  })
  .transform(({ conversations, ...rest }) => {
    const rows = conversations.map((row) => conversationListItem.safeParse(row));
    return { ...rest, conversations: rows.flatMap((r) => (r.success ? [r.data] : [])), skipped: rows.filter((r) => !r.success).length };
  });
export type ConversationPage = z.infer<typeof conversationPage>;

export const agentSummary = z.object({ agent_id: z.string(), name: z.string().nullish() }).passthrough();
export const agentPage = z.object({
  agents: z.array(agentSummary),
  next_cursor: z.string().nullish(),
  has_more: z.boolean().nullish(),
});
export const agentDetail = z.object({ agent_id: z.string(), name: z.string().nullish() }).passthrough();
export type AgentDetail = z.infer<typeof agentDetail>;

export const userInfo = z.object({ user_id: z.string().nullish() }).passthrough();

export const webhookEnvelope = z.object({
  type: z.string(),
  event_timestamp: z.number().nullish(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEnvelope = z.infer<typeof webhookEnvelope>;

/** GET /v1/workspace/webhooks: the workspace's webhooks with their health (ELEVENLABS.md, "More facts"). */
export const workspaceWebhooks = z.object({
  webhooks: z.array(
    z
      .object({
        webhook_id: z.string(),
        name: z.string().nullish(),
        webhook_url: z.string().nullish(),
        is_disabled: z.boolean().nullish(),
        is_auto_disabled: z.boolean().nullish(),
        most_recent_failure_error_code: z.number().nullish(),
        most_recent_failure_timestamp: z.number().nullish(),
      })
      .passthrough(),
  ),
});
export type WorkspaceWebhooks = z.infer<typeof workspaceWebhooks>;
