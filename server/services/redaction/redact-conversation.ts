/**
 * Redaction of ElevenLabs payloads before anything is stored or indexed (DESIGN.md §11): transcript messages,
 * summaries, data-collection values (and the rationales that quote them), evaluation rationales, tool parameters
 * and results, and dynamic variables. Ids, statuses, numbers and the call's own phone numbers (`metadata.phone_call`,
 * masked for viewers elsewhere) are left as they are. Pure: payload and kinds in, a redacted copy out.
 */
import type { RedactionKind } from "@shared/governance-schemas";
import { redactJson, redactText, type RedactionKinds } from "./redact-text";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => Boolean(v) && typeof v === "object" && !Array.isArray(v);

function text(value: unknown, kinds: RedactionKinds): unknown {
  return typeof value === "string" ? redactText(value, kinds) : value;
}

function redactTurn(turn: unknown, kinds: RedactionKinds): unknown {
  if (!isObject(turn)) return turn;
  const out: Json = { ...turn, message: text(turn.message, kinds) };
  if (Array.isArray(turn.tool_calls))
    out.tool_calls = turn.tool_calls.map((c) =>
      isObject(c) ? { ...c, params_as_json: redactJson(c.params_as_json, kinds), ...(c.params !== undefined ? { params: redactJson(c.params, kinds) } : {}) } : c,
    );
  if (Array.isArray(turn.tool_results))
    out.tool_results = turn.tool_results.map((r) => (isObject(r) ? { ...r, result_value: redactJson(r.result_value, kinds) } : r));
  if (isObject(turn.feedback)) out.feedback = { ...turn.feedback, comment: text(turn.feedback.comment, kinds) };
  if ("original_message" in turn) out.original_message = text(turn.original_message, kinds);
  return out;
}

/** Each entry of a results map (data collection, evaluation criteria) with its value and rationale redacted. */
function redactResults(results: unknown, kinds: RedactionKinds): unknown {
  if (!isObject(results)) return results;
  const out: Json = {};
  for (const [id, r] of Object.entries(results))
    out[id] = isObject(r) ? { ...r, value: redactJson(r.value, kinds), rationale: text(r.rationale, kinds) } : r;
  return out;
}

/** A conversation detail (GET /v1/convai/conversations/{id}, or a post_call_transcription's data), redacted. */
export function redactConversation(detail: unknown, kinds: RedactionKinds): unknown {
  if (!isObject(detail) || kinds.size === 0) return detail;
  const out: Json = { ...detail };
  if (Array.isArray(detail.transcript)) out.transcript = detail.transcript.map((t) => redactTurn(t, kinds));
  // List rows carry the summary at the top level.
  for (const key of ["transcript_summary", "call_summary_title"]) if (key in detail) out[key] = text(detail[key], kinds);
  if (isObject(detail.analysis)) {
    const a = detail.analysis;
    out.analysis = {
      ...a,
      transcript_summary: text(a.transcript_summary, kinds),
      call_summary_title: text(a.call_summary_title, kinds),
      data_collection_results: redactResults(a.data_collection_results, kinds),
      evaluation_criteria_results: redactResults(a.evaluation_criteria_results, kinds),
    };
    for (const key of ["transcript_summary", "call_summary_title", "data_collection_results", "evaluation_criteria_results"])
      if (!(key in a)) delete (out.analysis as Json)[key];
  }
  if (isObject(detail.metadata) && isObject(detail.metadata.feedback))
    out.metadata = { ...detail.metadata, feedback: { ...detail.metadata.feedback, comment: text(detail.metadata.feedback.comment, kinds) } };
  if (isObject(detail.conversation_initiation_client_data)) {
    const c = detail.conversation_initiation_client_data;
    out.conversation_initiation_client_data = { ...c, dynamic_variables: redactJson(c.dynamic_variables, kinds) };
    if (!("dynamic_variables" in c)) delete (out.conversation_initiation_client_data as Json).dynamic_variables;
  }
  return out;
}

/** A webhook envelope `{ type, event_timestamp, data }` with its conversation redacted (audio events carry none). */
export function redactWebhookEvent<T extends { type: string; data: Json }>(event: T, kinds: RedactionKinds): T {
  if (kinds.size === 0) return event;
  if (event.type === "post_call_transcription") return { ...event, data: redactConversation(event.data, kinds) as Json };
  if (event.type === "call_initiation_failure") return { ...event, data: redactConversation(event.data, kinds) as Json };
  return event;
}

/** The kinds an organization redacts: none unless redaction is enabled. */
export function activeKinds(settings: { redaction: { enabled: boolean; kinds: RedactionKind[] } } | null): RedactionKinds {
  return new Set(settings?.redaction.enabled ? settings.redaction.kinds : []);
}
