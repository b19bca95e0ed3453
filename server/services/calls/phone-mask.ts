/**
 * Phone numbers masked for viewers (DESIGN.md §9): the country code and the last 4 digits kept, one `•` per hidden
 * digit (+44••••••0123), in fields, raw metadata and exports.
 */
import { eq } from "drizzle-orm";
import { organizations } from "../../db/schema";
import type { Ctx } from "../context";

/** ITU-T E.164 country codes of two digits; 1 and 7 are one digit, every other code three. */
const TWO_DIGIT_CODES = new Set([
  "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49", "51", "52",
  "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84", "86", "90", "91", "92",
  "93", "94", "95", "98",
]);

function countryCodeLength(digits: string): number {
  if (digits.startsWith("1") || digits.startsWith("7")) return 1;
  return TWO_DIGIT_CODES.has(digits.slice(0, 2)) ? 2 : 3;
}

/** "+441234560123" -> "+44••••••0123". Strings that are not phone numbers come back unchanged. */
export function maskPhone(value: string): string {
  const m = /^(\+?)([0-9]{5,20})$/.exec(value.replace(/[\s().-]/g, ""));
  if (!m) return value;
  const digits = m[2];
  const cc = m[1] ? countryCodeLength(digits) : 0;
  const hidden = digits.length - cc - 4;
  if (hidden <= 0) return value;
  return `${m[1]}${digits.slice(0, cc)}${"•".repeat(hidden)}${digits.slice(-4)}`;
}

const E164_IN_TEXT = /\+[0-9][0-9\s().-]{5,22}[0-9]/g;
const PHONE_KEY = /number|phone|caller|callee/i;

/** "+" numbers inside free text (transcript messages, summaries) masked. */
export function maskPhonesInText(text: string): string {
  return text.replace(E164_IN_TEXT, (match) => maskPhone(match));
}

/**
 * Phone numbers in a JSON value masked: "+" numbers anywhere in a string, and whole values of keys that name a
 * number (agent_number, external_number, caller_id...). Dates and ids are left alone.
 */
export function maskPhonesDeep(value: unknown, key = ""): unknown {
  if (typeof value === "string") {
    if (PHONE_KEY.test(key)) return maskPhone(value);
    return maskPhonesInText(value);
  }
  if (Array.isArray(value)) return value.map((v) => maskPhonesDeep(v, key));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskPhonesDeep(v, k)]));
  return value;
}

/**
 * Whether this caller reads phone numbers masked: viewers do, unless the organization turned masking off
 * (`maskPhoneNumbers`, DESIGN.md §11). Everyone else reads them whole.
 */
export async function masksPhones(ctx: Pick<Ctx, "role" | "db" | "organizationId">): Promise<boolean> {
  if (ctx.role !== "viewer") return false;
  const [row] = await ctx.db
    .select({ mask: organizations.maskPhoneNumbers })
    .from(organizations)
    .where(eq(organizations.id, ctx.organizationId));
  return row?.mask ?? true;
}
