/**
 * Redaction canary (DESIGN.md §11): with redaction on, an email, a phone number and a card number spoken in a call
 * reach no API response, no export, no search result and no byte of PostgreSQL's files (tables, indexes, WAL) — by
 * webhook and by sync alike. An organization without redaction is the control: its canaries are found on disk, so
 * the scan would see the redacted ones if they were stored.
 */
import fs from "node:fs";
import path from "node:path";
import { randomBytes, randomInt } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { deliver, transcriptionEvent } from "../helpers/webhooks";
import { FakeElevenLabs, makeConversation } from "../fake-elevenlabs/server";
import { redactText, luhnValid } from "../../server/services/redaction/redact-text";
import { REDACTION_KINDS } from "@shared/governance-schemas";
import { syncAgent } from "../../server/services/sync/sync-agent";
import { project } from "../helpers/inbox";

const KEY = "sk_test_redaction_1111";
const KEY_PLAIN = "sk_test_redaction_2222";
const SECRET = "whsec_redaction_a";
const SECRET_PLAIN = "whsec_redaction_b";

let t: TestApp;
const fake = new FakeElevenLabs();

/** A Luhn-valid 16-digit Visa-like number, random per run. */
function cardNumber(): string {
  const body = `4${Array.from({ length: 14 }, () => randomInt(10)).join("")}`;
  for (let d = 0; d < 10; d++) if (luhnValid(body + d)) return body + d;
  throw new Error("unreachable");
}

type Canary = { email: string; phone: string; phoneDigits: string; card: string; cardGrouped: string; marker: string };

function canary(): Canary {
  const tag = randomBytes(5).toString("hex");
  const last4 = String(randomInt(2000, 9999));
  const card = cardNumber();
  return {
    email: `canary.${tag}@example.com`,
    phone: `(646) 555-${last4}`,
    phoneDigits: `646555${last4}`,
    card,
    cardGrouped: card.replace(/(\d{4})(?=\d)/g, "$1 "),
    // Not personal data: stays, and proves the stored text is searchable on disk.
    marker: `zebra${tag}`,
  };
}

/** What a caller says: all three canaries in a transcript turn, the summary, a data-collection value and a tool call. */
function conversationWith(agentId: string, c: Canary) {
  const conv = makeConversation(agentId, { turns: 2 });
  conv.transcript[1].message = `I am ${c.email}, call me on ${c.phone}, card ${c.cardGrouped} ${c.marker}`;
  (conv.transcript[1] as Record<string, unknown>).tool_calls = [
    { tool_name: "lookup", params_as_json: JSON.stringify({ email: c.email, phone: c.phone, card: c.card }) },
  ];
  (conv.transcript[1] as Record<string, unknown>).tool_results = [{ tool_name: "lookup", result_value: `found ${c.email}`, is_error: false }];
  const analysis = conv.analysis as Record<string, unknown>;
  analysis.transcript_summary = `Caller ${c.email} (${c.phone}) paid with ${c.card} ${c.marker}`;
  analysis.data_collection_results = { contact: { data_collection_id: "contact", value: c.email, rationale: `said ${c.phone}` } };
  return conv;
}

function needles(c: Canary): string[] {
  return [c.email, c.phone, c.phoneDigits, c.card, c.cardGrouped];
}

async function connectedOrg(key: string, secret: string, agentId: string) {
  const s = await signUp(t.app);
  const res = await s.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: key, webhookSecret: secret }).expect(200);
  const agent = await s.agent.post("/api/agents").send({ elevenLabsAgentId: agentId }).expect(201);
  return { ...s, path: new URL(res.body.webhook.url).pathname, organizationId: s.user.organization.id, agentId: agent.body.id as string };
}

/** Every file of the test database and the WAL, after a checkpoint. */
async function databaseFiles(): Promise<string[]> {
  const admin = new pg.Client({ connectionString: inject("adminUrl") });
  await admin.connect();
  try {
    await admin.query("checkpoint");
    const dataDir = (await admin.query<{ d: string }>("select current_setting('data_directory') as d")).rows[0].d;
    const dbName = new URL(t.databaseUrl).pathname.slice(1);
    const oid = (await admin.query<{ oid: number }>("select oid from pg_database where datname = $1", [dbName])).rows[0].oid;
    const dirs = [path.join(dataDir, "base", String(oid)), path.join(dataDir, "pg_wal")];
    return dirs.flatMap((dir) =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.join(dir, e.name)),
    );
  } finally {
    await admin.end();
  }
}

function foundOnDisk(files: string[], texts: string[]): string[] {
  const found = new Set<string>();
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    for (const text of texts) if (bytes.includes(Buffer.from(text, "utf8"))) found.add(text);
  }
  return [...found];
}

let redacted: Awaited<ReturnType<typeof connectedOrg>>;
let plain: Awaited<ReturnType<typeof connectedOrg>>;
const byWebhook = canary();
const bySync = canary();
const control = canary();

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY).addWorkspace(KEY_PLAIN);
  fake.addAgent(KEY, "agent_redact", "Redacted");
  fake.addAgent(KEY_PLAIN, "agent_plain", "Plain");
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url } });
  redacted = await connectedOrg(KEY, SECRET, "agent_redact");
  plain = await connectedOrg(KEY_PLAIN, SECRET_PLAIN, "agent_plain");
  await redacted.agent.patch("/api/organization").send({ redaction: { enabled: true } }).expect(200);
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

describe("redaction canary", () => {
  it("uses canaries the detectors recognise", () => {
    const all = new Set(REDACTION_KINDS);
    for (const c of [byWebhook, bySync, control]) {
      expect(redactText(c.email, all)).toBe("[email]");
      expect(redactText(`call ${c.phone}`, all)).toBe("call [phone]");
      expect(redactText(c.cardGrouped, all)).toBe("[card]");
    }
  });

  it("keeps no canary from a webhook delivery or a sync, anywhere", async () => {
    await deliver(t.app, redacted.path, transcriptionEvent(conversationWith("agent_redact", byWebhook)), SECRET).expect(200);
    fake.addConversation(KEY, conversationWith("agent_redact", bySync));
    const sync = await syncAgent(t.deps, { organizationId: redacted.organizationId, agentId: redacted.agentId, mode: "backfill" });
    expect(sync.status).toBe("done");
    // The control organization keeps what it was sent.
    await deliver(t.app, plain.path, transcriptionEvent(conversationWith("agent_plain", control)), SECRET_PLAIN).expect(200);
    await project(t);

    const list = await redacted.agent.get("/api/call-logs").expect(200);
    expect(list.body.data.length).toBe(2);
    const bodies: string[] = [JSON.stringify(list.body)];
    for (const call of list.body.data) {
      const detail = await redacted.agent.get(`/api/call-logs/${call.id}`).expect(200);
      bodies.push(JSON.stringify(detail.body));
      expect(detail.body.transcript[1].message).toMatch(/^I am \[email\], call me on \[phone\], card \[card\] zebra/);
      expect(detail.body.summary).toMatch(/^Caller \[email\] \(\[phone\]\) paid with \[card\] zebra/);
    }
    bodies.push((await redacted.agent.get("/api/call-logs/export.csv").expect(200)).text);
    const exported = await redacted.agent.get("/api/export/calls.ndjson").expect(200);
    expect(exported.text.trim().split("\n")).toHaveLength(2);
    bodies.push(exported.text);
    for (const c of [byWebhook, bySync]) {
      for (const needle of [c.email, c.phoneDigits, c.card, "canary", "646"]) {
        const search = await redacted.agent.get("/api/call-logs").query({ q: needle }).expect(200);
        expect(search.body.data, `search for ${needle}`).toEqual([]);
      }
      // The words around the canaries are still searchable.
      const found = await redacted.agent.get("/api/call-logs").query({ q: c.marker }).expect(200);
      expect(found.body.data.length).toBe(1);
    }
    for (const body of bodies) for (const c of [byWebhook, bySync]) for (const n of needles(c)) expect(body).not.toContain(n);

    const files = await databaseFiles();
    // The control proves the scan sees stored text: the unredacted organization's canaries are on disk.
    expect(foundOnDisk(files, [control.email, control.marker, byWebhook.marker, bySync.marker]).sort()).toEqual(
      [control.email, control.marker, byWebhook.marker, bySync.marker].sort(),
    );
    expect(foundOnDisk(files, [...needles(byWebhook), ...needles(bySync)])).toEqual([]);
  });
});
