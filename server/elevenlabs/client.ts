/**
 * The only code that talks to ElevenLabs. Base URL from config, `xi-api-key`, 10 s timeout,
 * no redirects, ids checked and URL-encoded, 429/5xx retried with backoff honouring Retry-After.
 */
import { Readable } from "node:stream";
import type { z } from "zod";
import { ELEVENLABS_ID_PATTERN } from "@shared/constants";
import { storableJson } from "../lib/storable-json";
import { ElevenLabsError, type ElevenLabsErrorCode } from "./errors";
import { agentDetail, agentPage, conversationDetail, conversationPage, userInfo, workspaceWebhooks } from "./types";

export type ElevenLabsClientOptions = {
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
  maxRetries?: number;
  /** Longest Retry-After we wait in-process; longer ones surface as rate_limited for the caller to back off. */
  maxRetryWaitMs?: number;
  maxJsonBytes?: number;
  sleep?: (ms: number) => Promise<void>;
};

export type ListConversationsParams = {
  agentId?: string;
  cursor?: string | null;
  pageSize?: number;
  callStartAfterUnix?: number;
  callStartBeforeUnix?: number;
};

export type AudioStream = { body: Readable; contentType: string; contentLength: number | null };

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function checkId(id: string): string {
  if (!ELEVENLABS_ID_PATTERN.test(id)) throw new ElevenLabsError("invalid_id");
  return encodeURIComponent(id);
}

function retryAfterSeconds(res: Response): number | null {
  const h = res.headers.get("retry-after");
  if (!h) return null;
  const n = Number(h);
  if (Number.isFinite(n)) return Math.max(0, n);
  const at = Date.parse(h);
  return Number.isNaN(at) ? null : Math.max(0, (at - Date.now()) / 1000);
}

async function readLimited(res: Response, limit: number): Promise<string> {
  if (!res.body) return "";
  // A declared size over the limit is refused before reading a byte; an undeclared one is cut off while streaming.
  if (Number(res.headers.get("content-length")) > limit) {
    await res.body.cancel().catch(() => {});
    throw new ElevenLabsError("bad_response", res.status, null, "The response was too large.");
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new ElevenLabsError("bad_response", res.status, null, "The response was too large.");
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function errorCode(res: Response, notFound: ElevenLabsErrorCode): Promise<ElevenLabsError> {
  let status: string | undefined;
  try {
    const body = JSON.parse(await readLimited(res, 64 * 1024)) as { detail?: { status?: string } };
    status = body?.detail?.status;
  } catch {
    // a non-JSON error body is fine: the HTTP status decides
  }
  if (res.status === 401 || res.status === 403)
    return new ElevenLabsError(status === "missing_permissions" ? "missing_permissions" : "invalid_api_key", res.status);
  if (res.status === 404) return new ElevenLabsError(notFound, 404);
  if (res.status === 400 || res.status === 422) return new ElevenLabsError(notFound === "agent_not_found" ? "agent_not_found" : "bad_response", res.status);
  if (res.status === 429) return new ElevenLabsError("rate_limited", 429, retryAfterSeconds(res));
  return new ElevenLabsError("unreachable", res.status);
}

export class ElevenLabsClient {
  private readonly o: Required<ElevenLabsClientOptions>;

  constructor(options: ElevenLabsClientOptions) {
    this.o = {
      timeoutMs: 10_000,
      maxRetries: 3,
      maxRetryWaitMs: 10_000,
      maxJsonBytes: 20 * 1024 * 1024,
      sleep: defaultSleep,
      ...options,
      baseUrl: options.baseUrl.replace(/\/$/, ""),
    };
  }

  /** One request with retries; returns the successful Response (body unread). */
  private async request(path: string, query: Record<string, string | number | undefined | null>, notFound: ElevenLabsErrorCode): Promise<Response> {
    const url = new URL(this.o.baseUrl + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, String(v));
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          headers: { "xi-api-key": this.o.apiKey, accept: "application/json" },
          redirect: "manual",
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
      } catch {
        if (attempt < this.o.maxRetries) {
          await this.o.sleep(this.backoff(attempt, null));
          continue;
        }
        throw new ElevenLabsError("unreachable");
      }
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel().catch(() => {});
        throw new ElevenLabsError("unreachable", res.status, null, "It answered with a redirect, which is not followed.");
      }
      const retryable = res.status === 429 || res.status >= 500;
      const after = retryAfterSeconds(res);
      if (retryable && attempt < this.o.maxRetries && (after === null || after * 1000 <= this.o.maxRetryWaitMs)) {
        await res.body?.cancel().catch(() => {});
        await this.o.sleep(this.backoff(attempt, after));
        continue;
      }
      throw await errorCode(res, notFound);
    }
  }

  private backoff(attempt: number, retryAfter: number | null): number {
    if (retryAfter !== null) return retryAfter * 1000;
    return Math.min(8_000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);
  }

  private async json<T extends z.ZodType>(schema: T, path: string, query: Record<string, string | number | undefined | null> = {}, notFound: ElevenLabsErrorCode = "not_found"): Promise<z.infer<T>> {
    const res = await this.request(path, query, notFound);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readLimited(res, this.o.maxJsonBytes), storableJson);
    } catch (err) {
      if (err instanceof ElevenLabsError) throw err;
      if (err instanceof SyntaxError) throw new ElevenLabsError("bad_response", res.status, null, "The body was not JSON.");
      // The body stopped arriving (timeout, connection dropped): an outage, not a malformed answer.
      throw new ElevenLabsError("unreachable", res.status, null, "The answer was cut off or took too long.");
    }
    const result = schema.safeParse(parsed);
    if (!result.success) throw new ElevenLabsError("bad_response", res.status, null, "The body did not have the expected shape.");
    return result.data;
  }

  getUser() {
    return this.json(userInfo, "/v1/user");
  }

  listAgents(params: { pageSize?: number; cursor?: string | null; search?: string } = {}) {
    return this.json(agentPage, "/v1/convai/agents", { page_size: params.pageSize ?? 30, cursor: params.cursor, search: params.search });
  }

  getAgent(agentId: string) {
    return this.json(agentDetail, `/v1/convai/agents/${checkId(agentId)}`, {}, "agent_not_found");
  }

  listConversations(p: ListConversationsParams = {}) {
    if (p.agentId) checkId(p.agentId);
    return this.json(conversationPage, "/v1/convai/conversations", {
      agent_id: p.agentId,
      cursor: p.cursor,
      page_size: Math.min(100, p.pageSize ?? 100),
      call_start_after_unix: p.callStartAfterUnix,
      call_start_before_unix: p.callStartBeforeUnix,
    });
  }

  listWorkspaceWebhooks() {
    return this.json(workspaceWebhooks, "/v1/workspace/webhooks");
  }

  getConversation(conversationId: string) {
    return this.json(conversationDetail, `/v1/convai/conversations/${checkId(conversationId)}`);
  }

  /** The call's MP3 as a stream (never buffered here); not_found when there is none. */
  async getConversationAudio(conversationId: string): Promise<AudioStream> {
    const res = await this.request(`/v1/convai/conversations/${checkId(conversationId)}/audio`, {}, "not_found");
    if (!res.body) throw new ElevenLabsError("not_found", res.status);
    const length = Number(res.headers.get("content-length"));
    return {
      body: Readable.fromWeb(res.body as import("node:stream/web").ReadableStream),
      contentType: res.headers.get("content-type") ?? "audio/mpeg",
      contentLength: Number.isFinite(length) && length > 0 ? length : null,
    };
  }

  /** Tests a key: /v1/user, then for scope-restricted keys /v1/convai/agents. */
  async testKey(): Promise<{ ok: true; note: string | null }> {
    try {
      await this.getUser();
      return { ok: true, note: null };
    } catch (err) {
      if (!(err instanceof ElevenLabsError) || err.code !== "missing_permissions") throw err;
    }
    try {
      await this.listAgents({ pageSize: 1 });
      return { ok: true, note: "The key cannot read the user (user_read), but can read agents: that is enough." };
    } catch (err) {
      if (err instanceof ElevenLabsError && err.code === "missing_permissions")
        throw new ElevenLabsError("missing_permissions", err.status, null, "Enable ElevenLabs Agents read access (convai_read) for this key.");
      throw err;
    }
  }
}

/** Makes the client for one organization's key; AppDeps carries one, so tests choose timeouts and retries. */
export type ElevenLabsClients = (apiKey: string) => ElevenLabsClient;

export function elevenLabsClients(baseUrl: string, defaults: Omit<ElevenLabsClientOptions, "baseUrl" | "apiKey"> = {}): ElevenLabsClients {
  return (apiKey) => new ElevenLabsClient({ ...defaults, baseUrl, apiKey });
}
