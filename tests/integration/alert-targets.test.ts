/**
 * Outbound safety of alert channels: without ALLOW_PRIVATE_TARGETS a target on 127.0.0.1, a name resolving to a
 * loopback address, and plain http are refused at save time and again when sending (a stored target that
 * resolves privately never reaches the socket); redirects are never followed; failures are retried up to 3 times,
 * each attempt recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { startRedirector, startSlackReceiver, type Receiver } from "../helpers/alert-receivers";
import { postOnce, TargetRefused } from "../../server/services/alerts/outbound";
import http from "node:http";
import type { AddressInfo } from "node:net";

let strict: TestApp;
let open: TestApp;
let receiver: Receiver;
let redirector: Receiver;
let ownerStrict: Awaited<ReturnType<typeof signUp>>;
let ownerOpen: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  receiver = await startSlackReceiver();
  redirector = await startRedirector(receiver.url);
  strict = await createTestApp();
  open = await createTestApp({ env: { ALLOW_PRIVATE_TARGETS: "true" } });
  ownerStrict = await signUp(strict.app);
  ownerOpen = await signUp(open.app);
});
afterAll(async () => {
  await strict?.close();
  await open?.close();
  await receiver?.stop();
  await redirector?.stop();
});

const port = () => new URL(receiver.url).port;

describe("without ALLOW_PRIVATE_TARGETS", () => {
  it("refuses a channel aimed at 127.0.0.1, at a name resolving to loopback, and plain http", async () => {
    const loopback = await ownerStrict.agent.post("/api/alerts/channels").send({ type: "slack", name: "x", target: `https://127.0.0.1:${port()}/hook` }).expect(400);
    expect(loopback.body.error.code).toBe("private_target");
    const named = await ownerStrict.agent.post("/api/alerts/channels").send({ type: "webhook", name: "x", target: `https://localhost:${port()}/hook` }).expect(400);
    expect(named.body.error.code).toBe("private_target");
    const metadata = await ownerStrict.agent.post("/api/alerts/channels").send({ type: "webhook", name: "x", target: "https://169.254.169.254/latest" }).expect(400);
    expect(metadata.body.error.code).toBe("private_target");
    const plain = await ownerStrict.agent.post("/api/alerts/channels").send({ type: "slack", name: "x", target: "http://hooks.example.com/x" }).expect(400);
    expect(plain.body.error.code).toBe("insecure_url");
    const v6 = await ownerStrict.agent.post("/api/alerts/channels").send({ type: "slack", name: "x", target: `https://[::1]:${port()}/hook` }).expect(400);
    expect(v6.body.error.code).toBe("private_target");
    expect((await ownerStrict.agent.get("/api/alerts/channels").expect(200)).body.data).toEqual([]);
    expect(receiver.hits).toBe(0);
  });

  it("refuses at send time a stored target that resolves to a private address (DNS checked per connection)", async () => {
    // As if the name resolved publicly when saved and privately now (DNS rebinding): stored directly.
    const target = `https://localhost:${port()}/hook`;
    const orgId = ownerStrict.user.organization.id;
    const enc = strict.deps.encryptor.encrypt(target, orgId, "alert_channel_target");
    const { rows } = await strict.deps.db.execute<{ id: string }>(
      `insert into alert_channels (organization_id, type, name, encrypted_target, target_hint) values ('${orgId}', 'slack', 'Rebound', '${enc}', 'https://localhost/…hook') returning id` as never,
    );
    const res = await ownerStrict.agent.post(`/api/alerts/channels/${rows[0].id}/test`).expect(200);
    expect(res.body).toMatchObject({ ok: false, attempts: 1, status: null });
    expect(res.body.error).toMatch(/^private_target/);
    await expect(postOnce(`https://127.0.0.1:${port()}/hook`, "{}", {}, false)).rejects.toBeInstanceOf(TargetRefused);
    expect(receiver.hits).toBe(0);
  });
});

describe("with ALLOW_PRIVATE_TARGETS", () => {
  it("does not follow a redirect, even to an allowed receiver", async () => {
    const ch = await ownerOpen.agent.post("/api/alerts/channels").send({ type: "slack", name: "Moved", target: redirector.url }).expect(201);
    const res = await ownerOpen.agent.post(`/api/alerts/channels/${ch.body.id}/test`).expect(200);
    expect(res.body).toMatchObject({ ok: false, status: 302, attempts: 1 });
    expect(res.body.error).toMatch(/^redirect_refused/);
    expect(redirector.hits).toBe(1);
    expect(receiver.hits).toBe(0);
  });

  it("retries a failing target 3 times with backoff and records every attempt", async () => {
    let hits = 0;
    const failing = http.createServer((_req, res) => {
      hits++;
      res.statusCode = 503;
      res.end();
    });
    await new Promise<void>((r) => failing.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/hook`;
      const ch = await ownerOpen.agent.post("/api/alerts/channels").send({ type: "slack", name: "Flaky", target: url }).expect(201);
      const res = await ownerOpen.agent.post(`/api/alerts/channels/${ch.body.id}/test`).expect(200);
      expect(res.body).toMatchObject({ ok: false, status: 503, attempts: 3, error: "HTTP 503" });
      expect(hits).toBe(3);
      const { rows } = await open.deps.db.execute<{ attempts: Array<{ at: string; status: number }>; state: string }>(
        `select attempts, state from alert_deliveries where channel_id = '${ch.body.id}'` as never,
      );
      expect(rows[0].state).toBe("failed");
      expect(rows[0].attempts.map((a) => a.status)).toEqual([503, 503, 503]);
      const gaps = rows[0].attempts.slice(1).map((a, i) => Date.parse(a.at) - Date.parse(rows[0].attempts[i].at));
      expect(gaps[1]).toBeGreaterThan(gaps[0]); // backoff grows
    } finally {
      await new Promise<void>((r) => failing.close(() => r()));
    }
  });
});
