/**
 * Tenant isolation over the whole router: organization A owns one of everything (integration with key and
 * secret, an agent, calls with audio, a pending invitation, a team member, audit rows); organization B's owner
 * calls every signed-in route with A's real ids in the path, A's ids in the query and a plausible body.
 * Every answer is a 404, or (for routes without a tenant id in the path) an answer without any of A's data;
 * and A's rows are byte-for-byte the same afterwards. Generic over app.locals.routes: a new route whose path
 * parameter or body is not classified below fails the test until it is.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import request from "supertest";
import type { AnyRouteDef } from "../../server/routes/api-router";
import { project } from "../helpers/inbox";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { invite, joinAs } from "../helpers/team";
import { audioEvent, deliver, transcriptionEvent } from "../helpers/webhooks";
import { FakeElevenLabs, fakeMp3, makeConversation } from "../fake-elevenlabs/server";

const KEY_A = "sk_test_tenant_a_secretkey_71c2";
const KEY_B = "sk_test_tenant_b_otherkey_5d0e";
const SECRET_A = "whsec_tenant_a_5b1f0c";
const EL_AGENT_A = "agent_tenant_a_9x7q";
const EL_AGENT_B = "agent_tenant_b_3k2m";
const AGENT_NAME_A = "Zebra Confidential Agent";
const ORG_NAME_A = "Aardvark Holdings Secret";

type Ids = { agent: string; call: string; member: string; invitation: string; alertRule: string; alertChannel: string; token: string };

/**
 * What A id each path parameter stands for, by route path. A route with a parameter missing here fails
 * "classifies every path parameter": add it (and make sure the route answers 404 for a foreign id).
 * `own` parameters are not tenant ids (e.g. the provider name): the route acts on the caller's own organization.
 */
const PARAMS: Record<string, Record<string, (ids: Ids) => string | { own: string }>> = {
  "/agents/:id": { id: (ids) => ids.agent },
  "/agents/:id/sync": { id: (ids) => ids.agent },
  "/call-logs/:id": { id: (ids) => ids.call },
  "/call-logs/:id/audio": { id: (ids) => ids.call },
  "/team/members/:id": { id: (ids) => ids.member },
  "/team/members/:id/password-reset": { id: (ids) => ids.member },
  "/team/invitations/:id": { id: (ids) => ids.invitation },
  "/tokens/:id": { id: (ids) => ids.token },
  "/integrations/:provider": { provider: () => ({ own: "elevenlabs" }) },
  "/alerts/channels/:id": { id: (ids) => ids.alertChannel },
  "/alerts/channels/:id/test": { id: (ids) => ids.alertChannel },
  "/alerts/rules/:id": { id: (ids) => ids.alertRule },
};

/** A body that passes validation, so the route reaches its ownership check. Routes with a body schema must be listed. */
const BODIES: Record<string, unknown> = {
  "post /agents/validate": { elevenLabsAgentId: EL_AGENT_A },
  "post /agents": { elevenLabsAgentId: EL_AGENT_A, name: "Stolen" },
  "patch /agents/:id": { name: "Renamed by B" },
  "post /integrations": { provider: "elevenlabs", apiKey: KEY_B, webhookSecret: "whsec_b" },
  "post /integrations/test": { provider: "elevenlabs" },
  "patch /organization": { name: "B renamed", pricePerMinuteUsd: 1 },
  "post /team/invitations": { email: "b-invitee@example.com", role: "viewer" },
  "patch /team/members/:id": { role: "viewer" },
  "post /alerts/channels": { type: "slack", name: "B channel", target: "https://93.184.215.14/b-hook" },
  "post /alerts/rules": { name: "B rule", metric: "call_volume", windowMinutes: 60, comparator: "below", threshold: 1 },
  "post /alerts/rules/preview": { metric: "failure_rate", windowMinutes: 60 },
  "patch /alerts/rules/:id": { name: "Renamed by B", enabled: false },
  "post /tokens": { name: "B's token" },
  "post /auth/email": { email: "b-moved@example.com", password: "not B's password" },
};

let t: TestApp;
const fake = new FakeElevenLabs();
let routes: AnyRouteDef[];
let ids: Ids;
let orgA: string;
let ownerB: Awaited<ReturnType<typeof signUp>>;
let secrets: string[];
let callCursorA: string;
let superuser: pg.Client;

const key = (def: AnyRouteDef) => `${def.method} ${def.path}`;

/** Every row of every table with an organization_id column that belongs to A (as a superuser: no RLS in the way). */
async function snapshotA(): Promise<Record<string, unknown[]>> {
  const tables = await superuser.query<{ table_name: string }>(
    `select table_name from information_schema.columns where table_schema = 'public' and column_name = 'organization_id' order by table_name`,
  );
  const out: Record<string, unknown[]> = {};
  for (const { table_name } of tables.rows) {
    const rows = await superuser.query(`select * from "${table_name}" where organization_id = $1 order by 1`, [orgA]);
    out[table_name] = rows.rows;
  }
  out.organizations = (await superuser.query(`select * from organizations where id = $1`, [orgA])).rows;
  return out;
}

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY_A).addWorkspace(KEY_B);
  fake.addAgent(KEY_A, EL_AGENT_A, AGENT_NAME_A);
  fake.addAgent(KEY_B, EL_AGENT_B, "B agent");
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url } });
  routes = t.app.locals.routes as AnyRouteDef[];
  superuser = new pg.Client({ connectionString: t.databaseUrl });
  await superuser.connect();

  const ownerA = await signUp(t.app, { organizationName: ORG_NAME_A });
  orgA = ownerA.user.organization.id;
  const integration = await ownerA.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_A, webhookSecret: SECRET_A }).expect(200);
  const webhookPath = new URL(integration.body.webhook.url as string).pathname;
  const webhookToken = webhookPath.split("/").at(-1)!;
  const agent = await ownerA.agent.post("/api/agents").send({ elevenLabsAgentId: EL_AGENT_A }).expect(201);

  const conversations = ["conv_tenant_a_first", "conv_tenant_a_second"].map((id, i) =>
    makeConversation(EL_AGENT_A, { conversation_id: id, startUnix: Math.floor(Date.now() / 1000) - 3600 * (i + 1) }),
  );
  for (const c of conversations) await deliver(t.app, webhookPath, transcriptionEvent(c), SECRET_A).expect(200);
  await deliver(t.app, webhookPath, audioEvent(EL_AGENT_A, conversations[0].conversation_id, fakeMp3(20)), SECRET_A).expect(200);
  await project(t);
  const calls = await ownerA.agent.get("/api/call-logs?limit=1").expect(200);
  callCursorA = calls.body.nextCursor as string;
  expect(callCursorA).toBeTruthy();
  const allCalls = (await ownerA.agent.get("/api/call-logs").expect(200)).body.data as Array<{ id: string; conversationId: string; hasAudio: boolean }>;
  expect(allCalls.length).toBe(2);

  const member = await joinAs(t.app, ownerA.agent, "member");
  const pending = await invite(ownerA.agent, "admin", "pending-tenant-a@example.com");
  const channel = await ownerA.agent.post("/api/alerts/channels").send({ type: "slack", name: "A secret channel", target: "https://93.184.215.14/a-hook-9f3k" }).expect(201);
  const rule = await ownerA.agent
    .post("/api/alerts/rules")
    .send({ name: "A secret rule", metric: "failure_rate", agentId: agent.body.id, windowMinutes: 60, comparator: "above", threshold: 0.2, channelIds: [channel.body.id] })
    .expect(201);
  const token = (await ownerA.agent.post("/api/tokens").send({ name: "A's token" }).expect(201)).body as { id: string; token: string; prefix: string };
  ids = {
    agent: agent.body.id as string,
    call: allCalls.find((c) => c.hasAudio)!.id,
    member: member.user.id,
    invitation: pending.invitationId,
    alertRule: rule.body.id as string,
    alertChannel: channel.body.id as string,
    token: token.id,
  };

  secrets = [
    orgA,
    ORG_NAME_A,
    ownerA.user.id,
    ownerA.user.email,
    member.user.id,
    member.user.email,
    pending.email,
    pending.invitationId,
    pending.token,
    token.id,
    token.token,
    token.prefix,
    agent.body.id as string,
    EL_AGENT_A,
    AGENT_NAME_A,
    KEY_A,
    KEY_A.slice(-4),
    SECRET_A,
    webhookToken,
    ids.alertRule,
    ids.alertChannel,
    "A secret rule",
    "A secret channel",
    "a-hook-9f3k",
    ...allCalls.flatMap((c) => [c.id, c.conversationId]),
  ];

  ownerB = await signUp(t.app, { organizationName: "Bee Org" });
  await ownerB.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY_B, webhookSecret: "whsec_tenant_b" }).expect(200);
  await ownerB.agent.post("/api/agents").send({ elevenLabsAgentId: EL_AGENT_B }).expect(201);
});
afterAll(async () => {
  await superuser?.end();
  await t?.close();
  await fake.stop();
});

/** The concrete path with A's ids, and whether it names one of A's resources. */
function pathFor(def: AnyRouteDef): { path: string; foreign: boolean; unclassified: string[] } {
  const unclassified: string[] = [];
  let foreign = false;
  const path = def.path.replace(/:(\w+)/g, (_m, name: string) => {
    const resolve = PARAMS[def.path]?.[name];
    if (!resolve) {
      unclassified.push(`${key(def)} :${name}`);
      return "unclassified";
    }
    const value = resolve(ids);
    if (typeof value === "string") {
      foreign = true;
      return value;
    }
    return value.own;
  });
  return { path: `/api${path}`, foreign, unclassified };
}

/** Query values pointing at A: A's agent as a filter, A's cursor. */
function queryFor(def: AnyRouteDef): Record<string, string> {
  const shape = (def.query as unknown as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
  const q: Record<string, string> = {};
  if ("agentId" in shape) q.agentId = ids.agent;
  if ("cursor" in shape && def.path.startsWith("/call-logs")) q.cursor = callCursorA;
  return q;
}

const signedInRoutes = () => routes.filter((d) => d.access === "user");

describe("cross-tenant matrix", () => {
  it("classifies every path parameter and every body of the signed-in routes", () => {
    expect(signedInRoutes().length).toBeGreaterThan(15);
    const unclassified = signedInRoutes().flatMap((def) => pathFor(def).unclassified);
    expect(unclassified, "add these parameters to PARAMS with the id of A's resource they stand for").toEqual([]);
    const noBody = signedInRoutes().filter((def) => def.body && !(key(def) in BODIES)).map(key);
    expect(noBody, "add a plausible (valid) body to BODIES for these routes").toEqual([]);
    for (const k of [...Object.keys(BODIES)]) expect(signedInRoutes().map(key), `stale BODIES entry ${k}`).toContain(k);
    for (const p of Object.keys(PARAMS)) expect(routes.map((d) => d.path), `stale PARAMS entry ${p}`).toContain(p);
  });

  it("gives B a 404 for every A id and none of A's data anywhere", async () => {
    const before = await snapshotA();
    expect(before.call_logs.length).toBe(2);
    expect(before.agents.length).toBe(1);
    expect(before.invitations.length).toBeGreaterThanOrEqual(2);
    expect(before.audit_log.length).toBeGreaterThan(0);
    expect(before.integrations.length).toBe(1);

    const failures: string[] = [];
    // Reads first, then writes, so that a leak is not hidden by B having changed something first.
    const ordered = [...signedInRoutes()].sort((a, b) => Number(a.method !== "get") - Number(b.method !== "get"));
    let foreignCalls = 0;
    for (const def of ordered) {
      const { path, foreign } = pathFor(def);
      let req = ownerB.agent[def.method](path).query(queryFor(def));
      if (def.method !== "get") req = req.send((BODIES[key(def)] ?? {}) as object);
      const res = await req.buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => cb(null, Buffer.concat(chunks)));
      });
      const text = (res.body as Buffer).toString("utf8");
      const seen = `${key(def)} (${path}) -> ${res.status}`;
      if (res.status >= 500) failures.push(`${seen}: server error ${text.slice(0, 200)}`);
      if (foreign) {
        foreignCalls += 1;
        if (res.status !== 404) failures.push(`${seen}: expected 404 for A's id`);
      } else if (def.method === "get" && (res.status < 200 || res.status >= 300)) {
        failures.push(`${seen}: expected a 2xx list/aggregate of B's own data`);
      }
      const leaked = secrets.filter((s) => text.toLowerCase().includes(s.toLowerCase()));
      if (leaked.length) failures.push(`${seen}: leaks ${leaked.join(", ")}`);
      // Some routes may end the session; B stays signed in for the next route.
      expect((await ownerB.agent.get("/api/auth/user")).status, `B's session after ${seen}`).toBe(200);
    }
    expect(failures).toEqual([]);
    expect(foreignCalls).toBeGreaterThanOrEqual(Object.keys(PARAMS).length - 1);

    expect(await snapshotA()).toEqual(before);
  });

  it("still serves A its own data (the ids used above are real)", async () => {
    const ownerA = request.agent(t.app);
    const email = (await superuser.query<{ email: string }>(`select email from users where organization_id = $1 and role = 'owner'`, [orgA])).rows[0].email;
    await ownerA.post("/api/auth/login/password").send({ email, password: "correct horse battery" }).expect(200);
    await ownerA.get(`/api/agents/${ids.agent}`).expect(200);
    await ownerA.get(`/api/call-logs/${ids.call}`).expect(200);
    await ownerA.get(`/api/call-logs/${ids.call}/audio`).expect(200);
    const team = await ownerA.get("/api/team/members").expect(200);
    expect(JSON.stringify(team.body)).toContain(ids.member);
    expect(JSON.stringify(team.body)).toContain(ids.invitation);
  });
});
