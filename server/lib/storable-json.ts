/** JSON from outside (ElevenLabs webhooks and API answers) made storable in PostgreSQL text and jsonb. */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const clean = (s: string) => s.replaceAll("\u0000", "").replace(LONE_SURROGATE, "\uFFFD");

/**
 * JSON.parse reviver: PostgreSQL cannot store NUL or lone surrogates, and a call must not be refused (and retried
 * forever) for one stray character: drop NULs and make every string and key well-formed.
 */
export function storableJson(_key: string, value: unknown): unknown {
  if (typeof value === "string") return clean(value);
  if (value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).some((k) => clean(k) !== k))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), v]));
  return value;
}

/** JSON that can only hold NUL or a lone surrogate through a \u escape (UTF-8 decoding never yields either). */
const RISKY_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/** JSON.parse(text, storableJson), without the per-value reviver when the text holds no escape that needs it. */
export function parseStorableJson(text: string): unknown {
  return RISKY_ESCAPE.test(text) ? JSON.parse(text, storableJson) : JSON.parse(text);
}
