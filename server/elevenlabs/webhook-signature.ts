/** ElevenLabs-Signature: `t=<unix seconds>,v0=<hex>[,v0=<hex>…]`, v0 = HMAC-SHA256(secret, "<t>.<raw body>"). */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_TOLERANCE_SECONDS = 30 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: "missing" | "malformed" | "stale" | "mismatch" };

export function signPayload(secret: string, timestamp: number, rawBody: Buffer | string): string {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest("hex");
}

/** A header as ElevenLabs sends it; used by the fake server, tests and benchmarks. */
export function signatureHeader(secret: string, rawBody: Buffer | string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v0=${signPayload(secret, timestamp, rawBody)}`;
}

function parseHeader(header: string): { t: number; v0: string[] } | null {
  let t: number | null = null;
  const v0: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t" && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === "v0" && /^[0-9a-f]{64}$/i.test(value)) v0.push(value.toLowerCase());
  }
  return t === null || v0.length === 0 ? null : { t, v0 };
}

/** Checks the signature on the raw bytes, before anything parses them. Constant-time per candidate. */
export function verifySignature(header: string | undefined, rawBody: Buffer, secret: string, nowSeconds: number): SignatureCheck {
  if (!header) return { ok: false, reason: "missing" };
  const parsed = parseHeader(header);
  if (!parsed) return { ok: false, reason: "malformed" };
  if (Math.abs(nowSeconds - parsed.t) > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: "stale" };
  const expected = Buffer.from(signPayload(secret, parsed.t, rawBody), "hex");
  let match = false;
  for (const candidate of parsed.v0) {
    if (timingSafeEqual(Buffer.from(candidate, "hex"), expected)) match = true;
  }
  return match ? { ok: true } : { ok: false, reason: "mismatch" };
}
