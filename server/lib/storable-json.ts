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
