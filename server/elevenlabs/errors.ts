export type ElevenLabsErrorCode =
  | "invalid_api_key"
  | "missing_permissions"
  | "agent_not_found"
  | "not_found"
  | "rate_limited"
  | "unreachable"
  | "bad_response"
  | "invalid_id";

const MESSAGES: Record<ElevenLabsErrorCode, string> = {
  invalid_api_key: "ElevenLabs rejected this API key.",
  missing_permissions: "The API key lacks a permission this needs.",
  agent_not_found: "ElevenLabs has no agent with this id in the key's workspace.",
  not_found: "ElevenLabs has no such resource.",
  rate_limited: "ElevenLabs is rate limiting requests; try again shortly.",
  unreachable: "ElevenLabs could not be reached.",
  bad_response: "ElevenLabs answered with something unexpected.",
  invalid_id: "Ids are 1-128 letters, digits, '-' or '_'.",
};

/** An ElevenLabs failure, reduced to a code the rest of the server can act on. No HTTP details leak out. */
export class ElevenLabsError extends Error {
  constructor(
    readonly code: ElevenLabsErrorCode,
    readonly status: number | null = null,
    readonly retryAfterSeconds: number | null = null,
    detail?: string,
  ) {
    super(detail ? `${MESSAGES[code]} ${detail}` : MESSAGES[code]);
    this.name = "ElevenLabsError";
  }

  /** "code: sentence", as stored in integrations.last_error. */
  get summary(): string {
    return `${this.code}: ${this.message}`;
  }
}
