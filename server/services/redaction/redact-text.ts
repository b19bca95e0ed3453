/**
 * Finds personal data in free text and replaces each match by its kind's marker ([email], [phone], [card], [ssn],
 * [iban]). Pure: text and kinds in, text out. Phone numbers are found by libphonenumber-js (Google's libphonenumber
 * rules: a number must be valid for its country, dates and times are not numbers); IBANs are checked by ibantools
 * (country length and mod-97); cards by the Luhn checksum. Precision and recall on a corpus: docs/security.md.
 */
import { findPhoneNumbersInText } from "libphonenumber-js/max";
import { electronicFormatIBAN, getCountrySpecifications, isValidIBAN } from "ibantools";
import type { RedactionKind } from "@shared/governance-schemas";

export type RedactionKinds = ReadonlySet<RedactionKind>;

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}/g;
/** 13 to 19 digits, optionally grouped by single spaces or dashes, not inside a longer run of digits. */
const CARD_CANDIDATE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])/g;
/** US SSN written with separators (a bare 9-digit run is too often something else); never issued: 000, 666, 9xx, 00, 0000. */
const SSN = /(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])/g;
/** Start of an IBAN: country code and check digits. */
const IBAN_START = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}/g;

const ibanLengths: Record<string, number> = Object.fromEntries(
  Object.entries(getCountrySpecifications())
    .filter(([, spec]) => typeof spec.chars === "number")
    .map(([country, spec]) => [country, spec.chars as number]),
);

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

type Span = { start: number; end: number };

function replaceSpans(text: string, spans: Span[], marker: string): string {
  if (spans.length === 0) return text;
  let out = "";
  let at = 0;
  for (const s of spans.sort((a, b) => a.start - b.start)) {
    if (s.start < at) continue;
    out += text.slice(at, s.start) + marker;
    at = s.end;
  }
  return out + text.slice(at);
}

/** IBANs as printed (groups of four separated by spaces) or electronic; the country fixes the length. */
function ibanSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(IBAN_START)) {
    const length = ibanLengths[m[0].slice(0, 2)];
    if (!length) continue;
    let chars = 4;
    let i = m.index + 4;
    while (chars < length && i < text.length) {
      const c = text[i];
      if (/[A-Za-z0-9]/.test(c)) chars++;
      else if (!(c === " " && /[A-Za-z0-9]/.test(text[i + 1] ?? ""))) break;
      i++;
    }
    // The IBAN must end there: not run on into more letters or digits.
    if (chars !== length || /[A-Za-z0-9]/.test(text[i] ?? "")) continue;
    const candidate = electronicFormatIBAN(text.slice(m.index, i)) ?? "";
    if (isValidIBAN(candidate)) spans.push({ start: m.index, end: i });
  }
  return spans;
}

function cardSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(CARD_CANDIDATE)) {
    const digits = m[0].replace(/[ -]/g, "");
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) spans.push({ start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

function phoneSpans(text: string): Span[] {
  // US is the default for numbers written without a country code (ElevenLabs' telephony is mostly US numbers).
  // The finder's default leniency is "VALID": a number must be valid for its country, not merely possible.
  return findPhoneNumbersInText(text, { defaultCountry: "US" }).map((m) => ({ start: m.startsAt, end: m.endsAt }));
}

/** Cheap pre-checks: most transcript turns hold no digits and no "@", and skip every detector. */
const HAS_DIGIT = /\d/;

export function redactText(text: string, kinds: RedactionKinds): string {
  let out = text;
  if (kinds.has("email") && out.includes("@")) out = out.replace(EMAIL, "[email]");
  if (!HAS_DIGIT.test(out)) return out;
  if (kinds.has("iban")) out = replaceSpans(out, ibanSpans(out), "[iban]");
  if (kinds.has("card")) out = replaceSpans(out, cardSpans(out), "[card]");
  if (kinds.has("ssn")) out = out.replace(SSN, "[ssn]");
  if (kinds.has("phone") && HAS_DIGIT.test(out)) out = replaceSpans(out, phoneSpans(out), "[phone]");
  return out;
}

/** Every string inside a JSON value redacted (object keys too: tool parameters are sometimes keyed by values). */
export function redactJson(value: unknown, kinds: RedactionKinds, depth = 0): unknown {
  if (typeof value === "string") return redactText(value, kinds);
  if (typeof value === "number" && Number.isFinite(value) && Number.isInteger(value)) {
    // A card or phone number sent as a JSON number.
    const text = String(value);
    const redacted = redactText(text, kinds);
    return redacted === text ? value : redacted;
  }
  if (!value || typeof value !== "object" || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => redactJson(v, kinds, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[redactText(k, kinds)] = redactJson(v, kinds, depth + 1);
  return out;
}
