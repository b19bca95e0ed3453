/** The shared limiter API (server/lib/rate-limit.ts): counters in PostgreSQL, one budget for every instance. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "../../server/db/client";
import { BatchedLimiter, SharedLimiter, normalizeAddress } from "../../server/lib/rate-limit";
import { createTestApp, type TestApp } from "../helpers/app";

let t: TestApp;
let otherPool: ReturnType<typeof createPool>;
beforeAll(async () => {
  t = await createTestApp();
  otherPool = createPool(t.databaseUrl, 2);
});
afterAll(async () => {
  await otherPool.end();
  await t.close();
});

describe("SharedLimiter", () => {
  it("counts before answering, so a parallel burst gets exactly the budget", async () => {
    const a = new SharedLimiter(t.deps.db.$client, { name: "test-burst", points: 5, durationSeconds: 60 });
    const b = new SharedLimiter(otherPool, { name: "test-burst", points: 5, durationSeconds: 60 });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).consume("k")));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.map((r) => r.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(Math.max(...results.map((r) => r.retryAfterSeconds))).toBeLessThanOrEqual(60);
    expect(await a.peek("k")).toBe(30);
    await b.refund("k", 29);
    expect((await a.consume("k")).allowed).toBe(true);
    await a.reset("k");
    expect(await b.peek("k")).toBe(0);
  });

  it("stores hashed keys, never the email or address", async () => {
    const a = new SharedLimiter(t.deps.db.$client, { name: "test-hash", points: 5, durationSeconds: 60 });
    await a.consume("someone@example.com|203.0.113.9");
    const { rows } = await t.deps.db.$client.query<{ key: string }>("select key from rate_limits where key like 'test-hash:%'");
    expect(rows).toHaveLength(1);
    expect(rows[0].key).not.toMatch(/example|203/);
  });
});

describe("BatchedLimiter", () => {
  it("counts in memory and shares the totals at each flush: two instances, one budget", async () => {
    const a = new BatchedLimiter(t.deps.db.$client, { name: "test-batched", points: 10, durationSeconds: 60 }, 60_000);
    const b = new BatchedLimiter(otherPool, { name: "test-batched", points: 10, durationSeconds: 60 }, 60_000);
    for (let i = 0; i < 4; i++) expect(a.hit("url").allowed).toBe(true);
    for (let i = 0; i < 4; i++) expect(b.hit("url").allowed).toBe(true);
    await a.flush();
    await b.flush(); // b now knows 8 in all
    expect(b.hit("url").count).toBe(9);
    expect(b.hit("url").allowed).toBe(true);
    expect(b.hit("url").allowed).toBe(false);
    await b.flush();
    // a learns the others' hits at its next flush: it may let about one flush interval of traffic through.
    a.hit("url");
    await a.flush();
    expect(a.hit("url").allowed).toBe(false);
  });
});

describe("normalizeAddress", () => {
  it("drops the IPv4-mapped prefix only", () => {
    expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeAddress("::ffff:abcd")).toBe("::ffff:abcd");
    expect(normalizeAddress("2001:db8::1")).toBe("2001:db8::1");
    expect(normalizeAddress(undefined)).toBeNull();
  });
});
