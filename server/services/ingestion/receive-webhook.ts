/**
 * The acknowledgement path of ElevenLabs webhooks (DESIGN.md §8), read straight from the request stream:
 * 1. before the body: the failure budget of the caller (429), the signature header's form and age (401), the
 *    declared size (413), and on an organization URL the token (401 unknown_token);
 * 2. the body, every byte held counted against the cap on unverified bytes: up to FAST_PATH_BYTES it is held and
 *    parsed once at the end; beyond, it is scanned as it streams (AudioBodyScanner) and a recording's bytes go to
 *    call_audio_chunks inside the transaction that will hold its inbox row (then no longer held, nor counted), so
 *    memory per delivery stays bounded;
 * 3. the HMAC, computed on the way; unverified: rolled back, counted as a failure, 401;
 * 4. verified: the raw event goes into the inbox (the one place a payload filter such as redaction may change it),
 *    committed, the projector signalled, and only then the 200.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { agents, integrations, organizations } from "../../db/schema";
import type { OwnerDb } from "../../db/owner";
import type { TenantDbs } from "../../db/tenant";
import type { Encryptor } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { parseStorableJson } from "../../lib/storable-json";
import { webhookEnvelope } from "../../elevenlabs/types";
import { SIGNATURE_TOLERANCE_SECONDS } from "../../elevenlabs/webhook-signature";
import { AudioBodyScanner, BodyTooLarge } from "./audio-body-scanner";
import { AUDIO_CHUNK_BYTES, insertAudioChunk, type InboxInsert, type InboxSignal } from "./inbox";
import { ELEVENLABS_ID_PATTERN } from "@shared/constants";
import type { WebhookGuard } from "./webhook-guard";
import type { WebhookTokenCache } from "./webhook-token-cache";
import { findTokenOwner } from "./webhook-tokens";
import { insertAccepted, type Accepted } from "./accepted-insert";
import { deletedConversations, filterInboxPayload, ingestionPolicy, policyColumns, policyOfRow, type IngestionPolicy } from "../redaction/ingestion-policy";

/** Audio of a long call, base64 in JSON. */
export const MAX_BODY_BYTES = 60 * 1024 * 1024;
/** Bodies up to this size are held and parsed once; larger ones are streamed. */
export const FAST_PATH_BYTES = 1024 * 1024;
/** The part of a streamed body outside data.full_audio. */
const MAX_REST_BYTES = 8 * 1024 * 1024;

export type WebhookRoute = { kind: "organization"; token: string } | { kind: "shared" };

/** One delivery as HTTP hands it over: who sent it, two headers and the body as it streams. */
export type WebhookDelivery = {
  /** The caller's address as the limits see it. */
  address: string;
  contentLength: string | undefined;
  signature: string | undefined;
  body: AsyncIterable<Buffer>;
  /** Ends the request with `err` (the time budget ran out). */
  abort(err: Error): void;
};

/** What the receiver uses of the app (AppDeps has all of it): routing is the owner's, storing the organization's. */
export type WebhookDeps = {
  db: OwnerDb;
  tenantDb: TenantDbs;
  now: () => Date;
  encryptor: Encryptor;
  webhookTokens: WebhookTokenCache;
  inbox: InboxSignal;
};

type Candidate = { organizationId: string; encryptedSecret: string; policy: IngestionPolicy };
type Signature = { t: number; v0: Buffer[] };

class Refused extends AppError {
  constructor(
    code: string,
    status: number,
    message: string,
    readonly countsAsFailure: boolean,
    readonly organizationId: string | null = null,
  ) {
    super(code, status, message);
  }
}

function parseSignature(header: string | undefined, nowSeconds: number): Signature {
  if (!header) throw new Refused("missing_signature", 401, "The ElevenLabs-Signature header is missing", true);
  let t: number | null = null;
  const v0: Buffer[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t" && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === "v0" && /^[0-9a-f]{64}$/i.test(value)) v0.push(Buffer.from(value, "hex"));
  }
  if (t === null || v0.length === 0) throw new Refused("invalid_signature", 401, "The webhook signature could not be verified", true);
  if (Math.abs(nowSeconds - t) > SIGNATURE_TOLERANCE_SECONDS) throw new Refused("stale_timestamp", 401, "The webhook signature is too old", true);
  return { t, v0 };
}

/** Organizations that registered the agent and configured a secret (the shared URL). */
async function candidatesByAgent(db: Db, agentId: unknown): Promise<Candidate[]> {
  if (typeof agentId !== "string" || !ELEVENLABS_ID_PATTERN.test(agentId)) return [];
  const rows = await db
    .select({ organizationId: agents.organizationId, encryptedSecret: integrations.encryptedWebhookSecret, ...policyColumns })
    .from(agents)
    .innerJoin(integrations, and(eq(integrations.organizationId, agents.organizationId), eq(integrations.provider, "elevenlabs")))
    .innerJoin(organizations, eq(organizations.id, agents.organizationId))
    .where(and(eq(agents.elevenlabsAgentId, agentId), isNotNull(integrations.encryptedWebhookSecret)));
  return rows.flatMap((r) => (r.encryptedSecret === null ? [] : [{ organizationId: r.organizationId, encryptedSecret: r.encryptedSecret, policy: policyOfRow(r) }]));
}

/** HMAC-SHA256("<t>." + body) under each candidate's secret, fed as the body streams. */
class Verifier {
  private hmacs: Array<{ candidate: Candidate; hmac: ReturnType<typeof createHmac> }> = [];
  readonly candidates: Candidate[] = [];
  private held: Buffer[] | null = [];
  constructor(
    private readonly deps: WebhookDeps,
    private readonly signature: Signature,
  ) {}

  get known(): boolean {
    return this.held === null;
  }

  setCandidates(candidates: Candidate[]) {
    for (const candidate of candidates) {
      let secret: string;
      try {
        secret = this.deps.encryptor.decrypt(candidate.encryptedSecret, candidate.organizationId, "elevenlabs_webhook_secret");
      } catch {
        continue;
      }
      this.candidates.push(candidate);
      const hmac = createHmac("sha256", secret).update(`${this.signature.t}.`);
      for (const chunk of this.held ?? []) hmac.update(chunk);
      this.hmacs.push({ candidate, hmac });
    }
    this.held = null;
  }

  update(chunk: Buffer) {
    if (this.held) this.held.push(chunk);
    else for (const { hmac } of this.hmacs) hmac.update(chunk);
  }

  /** Bytes kept only because the secret is not known yet. */
  heldBytes(): number {
    return this.held?.reduce((n, b) => n + b.length, 0) ?? 0;
  }

  verified(): Candidate | null {
    let found: Candidate | null = null;
    for (const { candidate, hmac } of this.hmacs) {
      const digest = hmac.digest();
      for (const v of this.signature.v0) if (v.length === digest.length && timingSafeEqual(v, digest)) found ??= candidate;
    }
    return found;
  }
}

/** A transaction opened on demand and finished from outside (the body streams between). */
function deferredTransaction(db: Db) {
  let finish!: (ok: boolean) => void;
  const decided = new Promise<boolean>((resolve) => (finish = resolve));
  let txReady!: (tx: Tx) => void;
  const ready = new Promise<Tx>((resolve) => (txReady = resolve));
  class Rollback extends Error {}
  const done = db
    .transaction(async (tx) => {
      txReady(tx);
      if (!(await decided)) throw new Rollback();
    })
    .catch((err: unknown) => {
      if (!(err instanceof Rollback)) throw err;
    });
  return { ready, commit: async () => (finish(true), done), rollback: async () => (finish(false), done.catch(() => {})), done };
}

/** Parses a held body and stores it as one inbox row (one statement, which re-checks the secret and token). */
function eventOf(organizationId: string, parsed: unknown, parseFailed: boolean): InboxInsert {
  const base = { organizationId, source: "webhook" as const };
  if (parseFailed) return { ...base, type: null, conversationId: null, eventAt: null, payload: null, failed: "invalid_json: the body is not valid JSON" };
  const envelope = webhookEnvelope.safeParse(parsed);
  if (!envelope.success) return { ...base, type: null, conversationId: null, eventAt: null, payload: parsed, failed: "invalid_payload: expected { type, event_timestamp, data }" };
  const event = envelope.data;
  const conversationId = typeof event.data.conversation_id === "string" ? event.data.conversation_id : null;
  return { ...base, type: event.type, conversationId, eventAt: eventTime(event.event_timestamp), payload: event };
}

export function eventTime(value: unknown): Date | null {
  return typeof value === "number" && Number.isFinite(value) && value > 0 && value < 32503680000 ? new Date(Math.round(value * 1000)) : null;
}

/** Splits a held audio event: the bytes to chunks, the payload without them. */
function splitHeldAudio(event: InboxInsert): { event: InboxInsert; audio: Buffer | null } {
  const data = (event.payload as { data?: Record<string, unknown> } | null)?.data;
  if (event.type !== "post_call_audio" || !data || event.failed) return { event, audio: null };
  const { full_audio: encoded, ...rest } = data;
  const valid = typeof encoded === "string" && /^[A-Za-z0-9+/=\r\n]+$/.test(encoded);
  const audio = valid ? Buffer.from(encoded, "base64") : Buffer.alloc(0);
  const payload = { ...(event.payload as object), data: { ...rest, full_audio_bytes: audio.length } };
  if (audio.length === 0) return { event: { ...event, payload, failed: "invalid_payload: data needs agent_id, conversation_id and base64 full_audio" }, audio: null };
  return { event: { ...event, payload, id: randomUUID() }, audio };
}

/** The verified event as the organization allows it to be kept (DESIGN.md §8, §11): tombstones, audio setting, redaction. */
async function applyPolicy(deps: WebhookDeps, event: InboxInsert, policy: IngestionPolicy): Promise<{ event: InboxInsert; keepAudio: boolean }> {
  if (event.failed || event.payload === null) return { event: { ...event, payload: event.payload === null ? null : filterInboxPayload(event.payload, policy) }, keepAudio: false };
  if (event.conversationId && event.type === "post_call_audio") {
    const deleted = await deletedConversations(deps.tenantDb(event.organizationId), event.organizationId, [event.conversationId]);
    // A retried delivery of a deleted call: acknowledged, recorded without its payload, never projected.
    if (deleted.has(event.conversationId)) return { event: { ...event, payload: null, ignored: "ignored: call deleted" }, keepAudio: false };
  }
  if (event.type === "post_call_audio" && !policy.storeAudio) return { event: { ...event, ignored: "ignored: recordings are not kept" }, keepAudio: false };
  return { event: { ...event, payload: filterInboxPayload(event.payload, policy) }, keepAudio: true };
}

export async function receiveWebhookStream(deps: WebhookDeps, guard: WebhookGuard, delivery: WebhookDelivery, route: WebhookRoute): Promise<void> {
  const { address } = delivery;
  const failureKey = route.kind === "organization" ? `org:${address}:${route.token}` : `shared:${address}`;
  let organizationId: string | null = null;
  const refuse = (err: Refused): never => {
    if (err.countsAsFailure) guard.failures.hit(err.code === "unknown_token" ? `org:${address}:unknown` : failureKey);
    guard.rejections.add(err.organizationId ?? organizationId, err.code);
    throw err;
  };
  const limited = (key: string) => {
    if (!guard.limitFailures) return;
    const seen = guard.failures.peek(key);
    if (!seen.allowed) throw new AppError("rate_limited", 429, `Too many failed deliveries; try again in ${seen.retryAfterSeconds} s`);
  };

  // 1. Before the body.
  limited(failureKey);
  const declared = Number(delivery.contentLength ?? 0);
  if (declared > MAX_BODY_BYTES) return refuse(new Refused("payload_too_large", 413, "The request body is too large", false));
  const now = deps.now();
  let signature: Signature;
  try {
    signature = parseSignature(delivery.signature, Math.floor(now.getTime() / 1000));
  } catch (err) {
    if (route.kind === "organization") organizationId = (await findTokenOwner(deps.db, deps.webhookTokens, route.token, now))?.organizationId ?? null;
    return refuse(err as Refused);
  }
  const verifier = new Verifier(deps, signature);
  if (route.kind === "organization") {
    const owner = await findTokenOwner(deps.db, deps.webhookTokens, route.token, now);
    if (!owner) {
      limited(`org:${address}:unknown`);
      return refuse(new Refused("unknown_token", 401, "Unknown webhook URL", true));
    }
    organizationId = owner.organizationId;
    if (!owner.encryptedSecret) return refuse(new Refused("webhook_secret_missing", 401, "The webhook signature could not be verified", true));
    verifier.setCandidates([{ organizationId: owner.organizationId, encryptedSecret: owner.encryptedSecret, policy: owner.policy }]);
  }
  // The policy comes with the token or the shared URL's candidates (one read, cached with the token); the query is a
  // fallback that the paths above never need.
  const policies = new Map<string, Promise<IngestionPolicy>>();
  const policyOf = (id: string) => {
    let policy = policies.get(id);
    if (!policy) policies.set(id, (policy = ingestionPolicy(deps.tenantDb(id), id)));
    return policy;
  };
  const knowPolicies = (candidates: Candidate[]) => {
    for (const c of candidates) policies.set(c.organizationId, Promise.resolve(c.policy));
  };
  knowPolicies(verifier.candidates);

  // 2. The body, streamed.
  let taken = 0;
  let held: Buffer[] | null = [];
  let size = 0;
  let scanner: AudioBodyScanner | null = null;
  const audioTx: { current: ReturnType<typeof deferredTransaction> | null } = { current: null };
  const audioEventId = randomUUID();
  let seq = 0;
  const timer = setTimeout(() => delivery.abort(new AppError("request_timeout", 408, "The request took too long")), guard.requestTimeoutMs);
  timer.unref();
  const storeReadyChunks = async () => {
    if (!scanner || scanner.ready.length === 0 || !organizationId) return;
    // Recordings this organization does not keep are never written, not even inside a transaction.
    if (!(await policyOf(organizationId)).storeAudio) return void scanner.ready.splice(0);
    audioTx.current ??= deferredTransaction(deps.db);
    const open = await Promise.race([audioTx.current.ready, audioTx.current.done.then(() => null)]);
    if (!open) throw new Error("the audio transaction ended early");
    for (const piece of scanner.ready.splice(0)) await insertAudioChunk(open, organizationId, audioEventId, seq++, piece);
  };
  try {
    try {
      for await (const chunk of delivery.body) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) return refuse(new Refused("payload_too_large", 413, "The request body is too large", false));
        await guard.budget.take(chunk.length);
        taken += chunk.length;
        verifier.update(chunk);
        if (held) {
          held.push(chunk);
          if (size <= FAST_PATH_BYTES) continue;
          scanner = new AudioBodyScanner(MAX_REST_BYTES);
          for (const piece of held) scanner.write(piece);
          held = null;
        } else scanner!.write(chunk);
        if (route.kind === "shared" && !verifier.known && scanner!.agentId) {
          const candidates = await candidatesByAgent(deps.db, scanner!.agentId);
          organizationId = candidates.length === 1 ? candidates[0].organizationId : null;
          verifier.setCandidates(candidates);
          knowPolicies(candidates);
        }
        await storeReadyChunks();
        // The cap is on bytes held: what went to call_audio_chunks is no longer held, so a recording streaming
        // through never waits for others' (docs/decisions/007).
        const stillHeld = scanner!.held() + verifier.heldBytes();
        if (taken > stillHeld) {
          guard.budget.release(taken - stillHeld);
          taken = stillHeld;
        }
      }
    } catch (err) {
      if (err instanceof BodyTooLarge) return refuse(new Refused("payload_too_large", 413, "The request body is too large", false));
      if (err instanceof AppError) throw err;
      if ((err as { code?: string }).code === "ECONNRESET" || (err as Error).message === "aborted") throw new AppError("request_aborted", 400, "The request was cut off");
      throw err;
    }

    // 3. Verify.
    let parsed: unknown = null;
    let parseFailed = false;
    try {
      parsed = parseStorableJson(held ? Buffer.concat(held).toString("utf8") : scanner!.rest());
    } catch {
      parseFailed = true;
    }
    held = null;
    if (route.kind === "shared" && !verifier.known) {
      const candidates = await candidatesByAgent(deps.db, (parsed as { data?: { agent_id?: unknown } } | null)?.data?.agent_id);
      organizationId = candidates.length === 1 ? candidates[0].organizationId : null;
      verifier.setCandidates(candidates);
      knowPolicies(candidates);
    }
    const verified = verifier.verified();
    if (!verified) return refuse(new Refused("invalid_signature", 401, "The webhook signature could not be verified", true));
    organizationId = verified.organizationId;
    const accepted: Accepted = { organizationId: verified.organizationId, encryptedSecret: verified.encryptedSecret, token: route.kind === "organization" ? route.token : null, now };

    // 4. Store, then answer. Verified from here on: whatever the body holds is stored and acknowledged.
    let event = eventOf(verified.organizationId, parsed, parseFailed);
    let heldAudio: Buffer | null = null;
    if (scanner?.sawAudio) {
      const payload = event.payload as { data?: Record<string, unknown> } | null;
      const { full_audio: _emptied, ...data } = payload?.data ?? {};
      event = { ...event, id: audioEventId, payload: payload ? { ...payload, data: { ...data, full_audio_bytes: scanner.audioBytes } } : null };
      if (scanner.audioInvalid || scanner.audioBytes === 0 || event.type !== "post_call_audio")
        event = { ...event, failed: event.failed ?? "invalid_payload: data needs agent_id, conversation_id and base64 full_audio" };
    } else if (!scanner) ({ event, audio: heldAudio } = splitHeldAudio(event));
    const kept = await applyPolicy(deps, event, await policyOf(verified.organizationId));
    event = kept.event;
    let stored: boolean;
    if (scanner) {
      if (kept.keepAudio) await storeReadyChunks();
      const pending = audioTx.current;
      if (pending) {
        const open = await pending.ready;
        if (!kept.keepAudio) await open.execute(sql`delete from call_audio_chunks where event_id = ${audioEventId} and organization_id = ${verified.organizationId}`);
        stored = await insertAccepted(open, event, accepted);
        audioTx.current = null;
        if (stored) await pending.commit();
        else await pending.rollback();
      } else stored = await insertAccepted(deps.db, event, accepted);
    } else if (heldAudio && kept.keepAudio) {
      const audio = heldAudio;
      stored = await deps.db
        .transaction(async (t) => {
          for (let i = 0; i * AUDIO_CHUNK_BYTES < audio.length; i++) await insertAudioChunk(t, verified.organizationId, event.id!, i, audio.subarray(i * AUDIO_CHUNK_BYTES, (i + 1) * AUDIO_CHUNK_BYTES));
          const ok = await insertAccepted(t, event, accepted);
          if (!ok) t.rollback();
          return ok;
        })
        .catch((err: unknown) => {
          if ((err as Error)?.constructor?.name === "TransactionRollbackError") return false;
          throw err;
        });
    } else {
      const checked = !event.failed && !event.ignored && event.type !== "post_call_audio";
      stored = await insertAccepted(deps.db, event, accepted, { unlessDeleted: checked });
      // A retried delivery of a deleted call: acknowledged, recorded without its payload, never projected.
      if (!stored && checked && event.conversationId) {
        const deleted = await deletedConversations(deps.tenantDb(event.organizationId), event.organizationId, [event.conversationId]);
        if (deleted.has(event.conversationId)) {
          event = { ...event, payload: null, ignored: "ignored: call deleted" };
          stored = await insertAccepted(deps.db, event, accepted);
        }
      }
    }
    if (!stored) {
      // The secret or token changed since it was cached: this delivery was signed for what no longer holds.
      deps.webhookTokens.forget(verified.organizationId);
      return refuse(new Refused("invalid_signature", 401, "The webhook signature could not be verified", true));
    }
    if (!event.failed && !event.ignored) deps.inbox.signal(deps.db);
  } finally {
    clearTimeout(timer);
    guard.budget.release(taken);
    if (audioTx.current) await audioTx.current.rollback();
  }
}
