/**
 * The evaluator on real pg-boss: two app instances on one database, evaluating every ALERT_INTERVAL_SECONDS,
 * evaluate each rule once per interval between them and notify a firing once; stopping both and starting a new
 * one while the rule still fires notifies nobody again.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startJobs, type RunningJobs } from "../../server/jobs/queue";
import { createLogger } from "../../server/lib/logger";
import type { AppDeps } from "../../server/deps";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { startSlackReceiver, type Receiver } from "../helpers/alert-receivers";

const INTERVAL = 2;
let t: TestApp;
let slack: Receiver;
const running: RunningJobs[] = [];

function instance(name: string): { deps: AppDeps; runs: () => Array<{ evaluated: number }> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return {
    deps: { ...t.deps, log: createLogger("info", sink).child({ instance: name }) },
    runs: () => lines.filter((l) => l.includes("alert rules evaluated")).map((l) => JSON.parse(l) as { evaluated: number }),
  };
}

beforeAll(async () => {
  slack = await startSlackReceiver();
  t = await createTestApp({ env: { ALLOW_PRIVATE_TARGETS: "true", ALERT_INTERVAL_SECONDS: String(INTERVAL), SYNC_INTERVAL_SECONDS: "0" } });
});
afterAll(async () => {
  for (const j of running) await j.stop().catch(() => {});
  await t?.close();
  await slack?.stop();
});

describe("alert evaluation across instances", () => {
  it("evaluates each rule once per interval and notifies once, and a restart while firing stays quiet", async () => {
    const owner = await signUp(t.app);
    const channel = await owner.agent.post("/api/alerts/channels").send({ type: "slack", name: "Ops", target: slack.url }).expect(201);
    // No calls at all in the last 5 minutes: "call volume below 1" fires (minCalls does not apply to volume).
    await owner.agent
      .post("/api/alerts/rules")
      .send({ name: "Silence", metric: "call_volume", windowMinutes: 5, comparator: "below", threshold: 1, channelIds: [channel.body.id] })
      .expect(201);

    const a = instance("a");
    const b = instance("b");
    const started = Date.now();
    running.push(await startJobs({ ...a.deps, databaseUrl: t.databaseUrl }));
    running.push(await startJobs({ ...b.deps, databaseUrl: t.databaseUrl }));
    await expect.poll(() => slack.received.length, { timeout: 15_000, interval: 200 }).toBe(1);
    await new Promise((r) => setTimeout(r, INTERVAL * 4 * 1000));
    for (const j of running.splice(0)) await j.stop();
    const elapsed = (Date.now() - started) / 1000;

    const evaluations = [...a.runs(), ...b.runs()].reduce((n, r) => n + r.evaluated, 0);
    expect(evaluations).toBeGreaterThanOrEqual(3);
    // One evaluation of the rule per interval between both instances (not one per instance), plus the first.
    expect(evaluations).toBeLessThanOrEqual(Math.ceil(elapsed / INTERVAL) + 1);
    expect(slack.received).toHaveLength(1);
    expect(String(slack.received[0].text)).toContain("Firing: Silence");

    const c = instance("c");
    running.push(await startJobs({ ...c.deps, databaseUrl: t.databaseUrl }));
    await expect.poll(() => c.runs().length, { timeout: 15_000, interval: 200 }).toBeGreaterThanOrEqual(2);
    expect(slack.received).toHaveLength(1);
    const events = await owner.agent.get("/api/alerts/events").expect(200);
    expect(events.body.data).toHaveLength(1);
  });
});
