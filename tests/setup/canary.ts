/**
 * Secret canary for the whole test run: every HTTP response body written in a test process and every log line
 * of a test app is scanned for the API keys and webhook secrets tests use. Any hit fails the file.
 */
import http from "node:http";
import { afterAll, expect } from "vitest";

/** The shapes of every key and secret the tests hand to the app. */
export const SECRET_PATTERN = /sk_(?:test|fake|live|wrong|viewer|not)_[A-Za-z0-9_]+|whsec_[A-Za-z0-9_]+/;

// On globalThis, not in this module: a worker process that runs several files re-evaluates this module per
// file, while the patched ServerResponse (patched once per process) must report into the current list.
const store = globalThis as unknown as { __vadCanaryLeaks?: string[] };
store.__vadCanaryLeaks ??= [];
const leaks = store.__vadCanaryLeaks;

/** The one answer allowed to hold a secret: a webhook alert channel's own signing secret, shown once at creation. */
const SHOWN_ONCE = /"secret":"whsec_[A-Za-z0-9+/=]+"/;

function scan(where: string, chunk: unknown) {
  if (chunk === null || chunk === undefined || typeof chunk === "function") return;
  let text = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString("latin1") : "";
  if (/^POST (\/api)?\/alerts\/channels$/.test(where)) text = text.replace(SHOWN_ONCE, "");
  const m = SECRET_PATTERN.exec(text);
  if (m) leaks.push(`${where}: ${m[0]}`);
}

/** For the canary's own test: takes what was caught so far. */
export function takeLeaks(): string[] {
  return leaks.splice(0);
}

export function scanLogLine(line: string) {
  scan("log", line);
}

const proto = http.ServerResponse.prototype;
const patched = proto as unknown as { __canary?: boolean };
if (!patched.__canary) {
  patched.__canary = true;
  const write = proto.write;
  const end = proto.end;
  proto.write = function (this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) {
    scan(`${this.req?.method} ${this.req?.url}`, chunk);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof proto.write;
  proto.end = function (this: http.ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    scan(`${this.req?.method} ${this.req?.url}`, chunk);
    return (end as (...a: unknown[]) => http.ServerResponse).call(this, chunk, ...rest);
  } as typeof proto.end;
}

afterAll(() => {
  expect(leaks, "a key or webhook secret appeared in a response or a log line").toEqual([]);
});
