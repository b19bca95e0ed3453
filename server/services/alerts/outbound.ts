/**
 * Outbound HTTP for alert channels. Targets are customer-supplied URLs, so every request is checked against
 * server-side request forgery: https only (plain http with ALLOW_PRIVATE_TARGETS), the resolved address of every
 * connection must be public (request-filtering-agent checks it after DNS resolution, so a name that resolves to a
 * private address is refused as well as a literal one), redirects are never followed, 5 s per attempt.
 */
import http from "node:http";
import https from "node:https";
import dns from "node:dns/promises";
import net from "node:net";
import ipaddr from "ipaddr.js";
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from "request-filtering-agent";

export const OUTBOUND_TIMEOUT_MS = 5_000;
const RESPONSE_BYTES = 16 * 1024;

/** A refusal that no retry can change (bad scheme, private address, redirect, 4xx). */
export class TargetRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type OutboundResult = { status: number };

const agents = {
  public: { http: new RequestFilteringHttpAgent({ keepAlive: false }), https: new RequestFilteringHttpsAgent({ keepAlive: false }) },
  private: {
    http: new RequestFilteringHttpAgent({ keepAlive: false, allowPrivateIPAddress: true }),
    https: new RequestFilteringHttpsAgent({ keepAlive: false, allowPrivateIPAddress: true }),
  },
};

/** Parses a target URL and applies the scheme rule; throws TargetRefused. */
export function parseTargetUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefused("invalid_url", "Enter a full URL, like https://example.com/hook");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new TargetRefused("invalid_url", "Only https URLs can be used");
  if (url.protocol === "http:" && !allowPrivate) throw new TargetRefused("insecure_url", "Use an https URL (plain http is not allowed)");
  if (url.username || url.password) throw new TargetRefused("invalid_url", "Credentials in the URL are not supported");
  return url;
}

/** True for loopback, private, link-local, unique-local, reserved and other non-unicast addresses. */
export function isPrivateAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() !== "unicast";
}

/** At save time: every address the host resolves to must be public (again checked at every connection). */
export async function assertPublicHost(url: URL, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw new TargetRefused("unresolvable_host", `The host ${host} could not be resolved`);
    }
  }
  if (addresses.some(isPrivateAddress))
    throw new TargetRefused("private_target", "The target resolves to a private, loopback or link-local address, which is not allowed");
}

function describe(err: unknown): TargetRefused | Error {
  const message = (err as Error)?.message ?? String(err);
  if (/is not allowed\. Because/.test(message)) return new TargetRefused("private_target", "The target resolved to a private, loopback or link-local address");
  if ((err as Error)?.name === "AbortError" || (err as Error)?.name === "TimeoutError") return new Error(`timeout: no answer within ${OUTBOUND_TIMEOUT_MS / 1000} s`);
  const code = (err as { code?: string })?.code;
  return new Error(code ? `${code}: the target could not be reached` : "the target could not be reached");
}

/**
 * One POST, no redirects, bounded in time and in the response bytes read. Resolves with the status for any 2xx;
 * rejects with TargetRefused for a refusal, or an Error for a failure worth retrying (network, timeout, 5xx, 429).
 */
export function postOnce(target: string, body: string, headers: Record<string, string>, allowPrivate: boolean): Promise<OutboundResult> {
  const url = parseTargetUrl(target, allowPrivate);
  const pool = allowPrivate ? agents.private : agents.public;
  const transport = url.protocol === "https:" ? https : http;
  return new Promise<OutboundResult>((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: "POST",
        agent: url.protocol === "https:" ? pool.https : pool.http,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "VoiceAI-Dashboard-Alerts/1", ...headers },
        signal: AbortSignal.timeout(OUTBOUND_TIMEOUT_MS),
      },
      (res) => {
        let read = 0;
        res.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > RESPONSE_BYTES) res.destroy();
        });
        res.on("error", () => {});
        res.on("close", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve({ status });
          else if (status >= 300 && status < 400) reject(Object.assign(new TargetRefused("redirect_refused", `HTTP ${status}: redirects are not followed`), { status }));
          else if (status === 408 || status === 429 || status >= 500) reject(Object.assign(new Error(`HTTP ${status}`), { status }));
          else reject(Object.assign(new TargetRefused("rejected", `HTTP ${status}: the target refused the message`), { status }));
        });
        res.resume();
      },
    );
    req.on("error", (err) => reject(describe(err)));
    req.end(body);
  });
}
