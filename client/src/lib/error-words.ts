/**
 * Stored failures read "code: sentence" (an integration's lastError, an agent's sync error). People get the
 * sentence, worded for where they are, never the code.
 */

const IN_WORDS: Record<string, string> = {
  invalid_api_key: "ElevenLabs no longer accepts your API key. Replace it on the Integrations page.",
  integration_required: "No ElevenLabs key is connected. Add one on the Integrations page.",
  rate_limited: "ElevenLabs asked us to slow down. The sync is retried automatically.",
  unreachable: "ElevenLabs could not be reached. The sync is retried automatically.",
  internal_error: "The sync failed on our side. It is retried automatically.",
};

/** "invalid_api_key: ElevenLabs rejected this API key." -> "ElevenLabs rejected this API key." */
export function sentenceOf(summary: string): string {
  return summary.replace(/^[a-z_]+:\s*/, "");
}

export function codeOf(summary: string): string | null {
  return /^([a-z_]+):/.exec(summary)?.[1] ?? null;
}

/** A sync failure in words a person can act on. */
export function syncErrorInWords(summary: string): string {
  const code = codeOf(summary);
  // missing_permissions names the missing permission in its sentence: keep it.
  return (code && code !== "missing_permissions" && IN_WORDS[code]) || sentenceOf(summary);
}
