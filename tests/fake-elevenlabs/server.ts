/**
 * A fake ElevenLabs API: a real HTTP server on 127.0.0.1 answering with the shapes of ELEVENLABS.md.
 * Per-workspace keys, agents, conversations with cursor pagination, audio, scope-restricted keys,
 * injected failures (429 with Retry-After, 500, slow answers) and a record of every request.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** A turn; the optional fields of ELEVENLABS.md "More facts" (tool calls, metrics, ...) ride along as extra keys. */
export type FakeTurn = { role: "agent" | "user"; message: string | null; time_in_call_secs: number } & Record<string, unknown>;
export type FakeConversation = {
  agent_id: string;
  conversation_id: string;
  status: string;
  user_id: string | null;
  transcript: FakeTurn[];
  metadata: Record<string, unknown> & { start_time_unix_secs: number; call_duration_secs: number; cost?: number };
  analysis: Record<string, unknown> | null;
  has_audio: boolean;
  has_user_audio: boolean;
  has_response_audio: boolean;
} & Record<string, unknown>;
export type FakeAgent = { agent_id: string; name: string; created_at_unix_secs: number };
/** A workspace webhook as GET /v1/workspace/webhooks shows it; the fake delivers to it and keeps its health. */
export type FakeWebhook = {
  webhook_id: string;
  name: string;
  webhook_url: string;
  secret: string;
  is_disabled: boolean;
  is_auto_disabled: boolean;
  most_recent_failure_error_code: number | null;
  most_recent_failure_timestamp: number | null;
  consecutive_failures: number;
};
type Workspace = { agents: Map<string, FakeAgent>; conversations: Map<string, FakeConversation>; audio: Map<string, Buffer>; restricted: boolean; webhooks: FakeWebhook[] };
export type RecordedRequest = { method: string; path: string; query: Record<string, string>; apiKey: string | null; at: number };
type Failure = { status: number; retryAfter?: number; body?: string; times: number; pathIncludes?: string; match?: (path: string, query: URLSearchParams) => boolean };

export class FakeElevenLabs {
  readonly requests: RecordedRequest[] = [];
  private readonly workspaces = new Map<string, Workspace>();
  private failures: Failure[] = [];
  private server: http.Server | null = null;
  /** Added to every answer, to model network latency. */
  latencyMs = 0;
  /** Per-request latency (overrides latencyMs), e.g. one slow agent among fast ones. */
  latencyFor: ((path: string, query: URLSearchParams) => number) | null = null;
  url = "";

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, "127.0.0.1", resolve);
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  addWorkspace(apiKey: string, options: { restricted?: boolean } = {}): this {
    this.workspaces.set(apiKey, { agents: new Map(), conversations: new Map(), audio: new Map(), restricted: options.restricted ?? false, webhooks: [] });
    return this;
  }

  private ws(apiKey: string): Workspace {
    const w = this.workspaces.get(apiKey);
    if (!w) throw new Error(`fake: no workspace for key ${apiKey}`);
    return w;
  }

  addAgent(apiKey: string, agentId: string, name = `Agent ${agentId}`): FakeAgent {
    const agent = { agent_id: agentId, name, created_at_unix_secs: 1_700_000_000 };
    this.ws(apiKey).agents.set(agentId, agent);
    return agent;
  }

  renameAgent(apiKey: string, agentId: string, name: string): void {
    this.ws(apiKey).agents.get(agentId)!.name = name;
  }

  addConversation(apiKey: string, conversation: FakeConversation, audio?: Buffer): FakeConversation {
    const w = this.ws(apiKey);
    w.conversations.set(conversation.conversation_id, conversation);
    if (audio) w.audio.set(conversation.conversation_id, audio);
    return conversation;
  }

  /** Registers a workspace webhook (URL and HMAC secret, as ElevenLabs generates them). */
  addWebhook(apiKey: string, url: string, secret: string, name = "Post-call webhook"): FakeWebhook {
    const hook: FakeWebhook = {
      webhook_id: `wh_${Math.random().toString(36).slice(2, 10)}`,
      name,
      webhook_url: url,
      secret,
      is_disabled: false,
      is_auto_disabled: false,
      most_recent_failure_error_code: null,
      most_recent_failure_timestamp: null,
      consecutive_failures: 0,
    };
    this.ws(apiKey).webhooks.push(hook);
    return hook;
  }

  /**
   * Delivers a post-call event the way ElevenLabs does: signed `ElevenLabs-Signature: t=..,v0=..` over the raw body,
   * no retry; 10 failures in a row auto-disable the webhook (it then delivers nothing).
   */
  async deliverWebhook(hook: FakeWebhook, event: unknown): Promise<number | null> {
    if (hook.is_disabled || hook.is_auto_disabled) return null;
    const body = JSON.stringify(event);
    const t = Math.floor(Date.now() / 1000);
    const v0 = createHmac("sha256", hook.secret).update(`${t}.${body}`).digest("hex");
    let status: number | null = null;
    try {
      const res = await fetch(hook.webhook_url, { method: "POST", headers: { "content-type": "application/json", "elevenlabs-signature": `t=${t},v0=${v0}` }, body, signal: AbortSignal.timeout(30_000) });
      await res.body?.cancel().catch(() => {});
      status = res.status;
    } catch {
      status = null;
    }
    if (status === 200) hook.consecutive_failures = 0;
    else {
      hook.consecutive_failures += 1;
      hook.most_recent_failure_error_code = status ?? 0;
      hook.most_recent_failure_timestamp = t;
      if (hook.consecutive_failures >= 10) hook.is_auto_disabled = true;
    }
    return status;
  }

  /**
   * Test control, for specs that run the fake in another process (e2e), with the workspace's key in `xi-api-key`:
   * POST /_fake/webhooks `{ url, secret, name? }` -> 201 the webhook (as ElevenLabs lists it);
   * POST /_fake/webhooks/:id/deliver `{ event }` -> 200 `{ status }`: the fake delivers the event to the webhook's URL.
   */
  private async control(req: http.IncomingMessage, res: http.ServerResponse, path: string, apiKey: string | null): Promise<void> {
    const workspace = apiKey ? this.workspaces.get(apiKey) : undefined;
    if (!workspace || req.method !== "POST") return this.send(res, 404, { detail: { status: "not_found", message: "No such control route" } });
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
    } catch {
      return this.send(res, 400, { detail: { status: "invalid_json", message: "The body is not JSON" } });
    }
    if (path === "/_fake/webhooks") {
      if (typeof body.url !== "string" || typeof body.secret !== "string") return this.send(res, 400, { detail: { status: "invalid", message: "url and secret are required" } });
      const hook = this.addWebhook(apiKey!, body.url, body.secret, typeof body.name === "string" ? body.name : undefined);
      const { secret: _secret, consecutive_failures: _n, ...shown } = hook;
      return this.send(res, 201, shown);
    }
    const deliver = /^\/_fake\/webhooks\/([^/]+)\/deliver$/.exec(path);
    const hook = deliver ? workspace.webhooks.find((w) => w.webhook_id === deliver[1]) : undefined;
    if (!hook) return this.send(res, 404, { detail: { status: "not_found", message: "No such webhook" } });
    return this.send(res, 200, { status: await this.deliverWebhook(hook, body.event) });
  }

  /** Makes the next `times` matching requests fail with `status` (429 may carry Retry-After). */
  clearFailures(): void {
    this.failures = [];
  }

  failNext(status: number, options: Omit<Failure, "status" | "times"> & { times?: number } = {}): void {
    this.failures.push({ ...options, status, times: options.times ?? 1 });
  }

  requestsFor(pathIncludes: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.includes(pathIncludes));
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const apiKey = (req.headers["xi-api-key"] as string | undefined) ?? null;
    this.requests.push({ method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), apiKey, at: Date.now() });
    const latency = this.latencyFor?.(url.pathname, url.searchParams) ?? this.latencyMs;
    if (latency) await new Promise((r) => setTimeout(r, latency));

    const failure = this.failures.find(
      (f) => f.times > 0 && (!f.pathIncludes || url.pathname.includes(f.pathIncludes)) && (!f.match || f.match(url.pathname, url.searchParams)),
    );
    if (failure) {
      failure.times -= 1;
      this.failures = this.failures.filter((f) => f.times > 0);
      const headers: Record<string, string> = failure.retryAfter !== undefined ? { "retry-after": String(failure.retryAfter) } : {};
      if (failure.body !== undefined) {
        res.writeHead(failure.status, { "content-type": "application/json", ...headers });
        res.end(failure.body);
        return;
      }
      const status = failure.status === 429 ? "rate_limit_exceeded" : "internal_error";
      return this.send(res, failure.status, { detail: { status, message: "injected failure" } }, headers);
    }

    if (url.pathname.startsWith("/_fake/")) return this.control(req, res, url.pathname, apiKey);
    const workspace = apiKey ? this.workspaces.get(apiKey) : undefined;
    if (!workspace) return this.send(res, 401, { detail: { status: "invalid_api_key", message: "Invalid API key" } });
    const path = url.pathname;
    const q = url.searchParams;

    if (path === "/v1/user") {
      if (workspace.restricted)
        return this.send(res, 401, { detail: { status: "missing_permissions", message: "The API key you used is missing the permission user_read" } });
      return this.send(res, 200, { user_id: "user_fake", subscription: { tier: "creator", character_count: 0 }, first_name: "Fake" });
    }
    if (path === "/v1/workspace/webhooks") {
      if (workspace.restricted) return this.send(res, 401, { detail: { status: "missing_permissions", message: "The API key you used is missing the permission workspace_read" } });
      return this.send(res, 200, {
        webhooks: workspace.webhooks.map(({ secret: _secret, consecutive_failures: _n, ...w }) => ({ ...w, auth_type: "hmac", created_at_unix: 1_700_000_000 })),
      });
    }
    if (path === "/v1/convai/agents") {
      const search = q.get("search")?.toLowerCase();
      const all = [...workspace.agents.values()].filter((a) => !search || a.name.toLowerCase().includes(search));
      const page = paginate(all, q.get("cursor"), Number(q.get("page_size") ?? 30));
      return this.send(res, 200, { agents: page.items, next_cursor: page.next, has_more: page.next !== null });
    }
    let m = path.match(/^\/v1\/convai\/agents\/([^/]+)$/);
    if (m) {
      const agent = workspace.agents.get(decodeURIComponent(m[1]));
      if (!agent) return this.send(res, 404, { detail: { status: "document_not_found", message: "Agent not found" } });
      return this.send(res, 200, { ...agent, conversation_config: {}, metadata: { created_at_unix_secs: agent.created_at_unix_secs }, platform_settings: {} });
    }
    if (path === "/v1/convai/conversations") {
      const pageSize = Number(q.get("page_size") ?? 30);
      if (!(pageSize >= 1 && pageSize <= 100)) return this.send(res, 422, { detail: [{ msg: "page_size must be 1-100" }] });
      const agentId = q.get("agent_id");
      const after = q.get("call_start_after_unix");
      const before = q.get("call_start_before_unix");
      const rows = [...workspace.conversations.values()]
        .filter((c) => !agentId || c.agent_id === agentId)
        .filter((c) => !after || c.metadata.start_time_unix_secs > Number(after))
        .filter((c) => !before || c.metadata.start_time_unix_secs < Number(before))
        .sort((a, b) => b.metadata.start_time_unix_secs - a.metadata.start_time_unix_secs || a.conversation_id.localeCompare(b.conversation_id));
      const page = paginate(rows, q.get("cursor"), pageSize);
      return this.send(res, 200, {
        conversations: page.items.map((c) => ({
          agent_id: c.agent_id,
          agent_name: workspace.agents.get(c.agent_id)?.name ?? null,
          conversation_id: c.conversation_id,
          start_time_unix_secs: c.metadata.start_time_unix_secs,
          call_duration_secs: c.metadata.call_duration_secs,
          message_count: c.transcript.length,
          status: c.status,
          call_successful: (c.analysis?.call_successful as string | undefined) ?? "unknown",
          transcript_summary: c.analysis?.transcript_summary ?? null,
          call_summary_title: c.analysis?.call_summary_title ?? null,
        })),
        next_cursor: page.next,
        has_more: page.next !== null,
      });
    }
    m = path.match(/^\/v1\/convai\/conversations\/([^/]+)(\/audio)?$/);
    if (m) {
      const id = decodeURIComponent(m[1]);
      const conversation = workspace.conversations.get(id);
      if (!conversation) return this.send(res, 404, { detail: { status: "document_not_found", message: "Conversation not found" } });
      if (!m[2]) return this.send(res, 200, conversation);
      const audio = workspace.audio.get(id);
      if (!audio) return this.send(res, 404, { detail: { status: "document_not_found", message: "Audio not found" } });
      res.writeHead(200, { "content-type": "audio/mpeg", "content-length": audio.length });
      res.end(audio);
      return;
    }
    this.send(res, 404, { detail: "Not Found" });
  }
}

function paginate<T>(rows: T[], cursor: string | null, pageSize: number): { items: T[]; next: string | null } {
  const start = cursor ? Number(Buffer.from(cursor, "base64url").toString()) || 0 : 0;
  const size = Math.max(1, Math.min(100, pageSize || 30));
  const items = rows.slice(start, start + size);
  const next = start + size < rows.length ? Buffer.from(String(start + size)).toString("base64url") : null;
  return { items, next };
}

const LINES: Array<[string, string]> = [
  ["Hello, thanks for calling. How can I help?", "Hi, I'd like to check the status of my order."],
  ["Sure, can you give me the order number?", "It's A-1042."],
  ["Thanks. Your order shipped yesterday and arrives Friday.", "Great, can I change the delivery address?"],
  ["I can help with that. What's the new address?", "12 Harbour Street, Leeds."],
  ["Done. Anything else?", "No, that's all. Thank you!"],
];

/** A realistic conversation detail as ElevenLabs returns it. */
export function makeConversation(agentId: string, overrides: Partial<FakeConversation> & { startUnix?: number; durationSecs?: number; success?: string; turns?: number } = {}): FakeConversation {
  const { startUnix, durationSecs, success, turns, ...rest } = overrides;
  const id = rest.conversation_id ?? `conv_${Math.random().toString(36).slice(2, 12)}`;
  const duration = durationSecs ?? 95;
  const n = turns ?? 6;
  const transcript: FakeTurn[] = [];
  for (let i = 0; i < n; i++) {
    const pair = LINES[Math.floor(i / 2) % LINES.length];
    transcript.push({ role: i % 2 === 0 ? "agent" : "user", message: pair[i % 2], time_in_call_secs: Math.floor((duration * i) / n) });
  }
  return {
    agent_id: agentId,
    conversation_id: id,
    status: "done",
    user_id: null,
    transcript,
    metadata: {
      start_time_unix_secs: startUnix ?? Math.floor(Date.now() / 1000) - 3600,
      call_duration_secs: duration,
      cost: 480,
      termination_reason: "end_call tool was called",
      charging: { llm_price: 0.0012, llm_charge: 3 },
      phone_call: { direction: "inbound", agent_number: "+14155550100", external_number: "+14155550199" },
      main_language: "en",
    },
    analysis: {
      call_successful: success ?? "success",
      transcript_summary: "The caller asked about an order and changed the delivery address.",
      call_summary_title: "Order status",
      evaluation_criteria_results: { resolved: { criteria_id: "resolved", result: "success", rationale: "The address was changed." } },
      data_collection_results: { order_id: { data_collection_id: "order_id", value: "A-1042", rationale: "Stated by the caller." } },
    },
    has_audio: true,
    has_user_audio: true,
    has_response_audio: true,
    ...rest,
  };
}

/** A few bytes that browsers accept as an MP3 (MPEG-1 Layer III frames of silence). */
export function fakeMp3(frames = 40): Buffer {
  const header = Buffer.from([0xff, 0xfb, 0x90, 0x64]);
  const frame = Buffer.concat([header, Buffer.alloc(417 - 4)]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}
