import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import request from "supertest";
import { project } from "../helpers/inbox";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { audioEvent, deliver, transcriptionEvent } from "../helpers/webhooks";
import { FakeElevenLabs, fakeMp3, makeConversation } from "../fake-elevenlabs/server";
import { callAudio, callLogs } from "../../server/db/schema";

const KEY = "sk_test_audio_aaaa";
const OTHER_KEY = "sk_test_audio_bbbb";
const SECRET = "whsec_audio";

let t: TestApp;
const fake = new FakeElevenLabs();
const mp3 = fakeMp3(800); // ~330 KB: more than one read chunk

let owner: Awaited<ReturnType<typeof signUp>>;
let stranger: Awaited<ReturnType<typeof signUp>>;
let storedId: string;
let remoteId: string;

async function idOf(organizationId: string, conversationId: string): Promise<string> {
  await project(t);
  const [row] = await t.deps.db.select({ id: callLogs.id }).from(callLogs).where(and(eq(callLogs.organizationId, organizationId), eq(callLogs.conversationId, conversationId)));
  return row.id;
}

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY).addWorkspace(OTHER_KEY);
  fake.addAgent(KEY, "agent_audio", "Audio agent");
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url } });
  owner = await signUp(t.app);
  stranger = await signUp(t.app);
  const res = await owner.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY, webhookSecret: SECRET }).expect(200);
  await stranger.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: OTHER_KEY }).expect(200);
  const path = new URL(res.body.webhook.url).pathname;

  const stored = makeConversation("agent_audio", { conversation_id: "conv_audio_stored" });
  await deliver(t.app, path, transcriptionEvent(stored), SECRET).expect(200);
  await deliver(t.app, path, audioEvent("agent_audio", stored.conversation_id, mp3), SECRET).expect(200);
  storedId = await idOf(owner.user.organization.id, stored.conversation_id);

  // Only in ElevenLabs: the webhook brought the transcript, the audio is fetched on first play.
  const remote = fake.addConversation(KEY, makeConversation("agent_audio", { conversation_id: "conv_audio_remote" }), mp3);
  await deliver(t.app, path, transcriptionEvent(remote), SECRET).expect(200);
  remoteId = await idOf(owner.user.organization.id, remote.conversation_id);
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

function binary(req: request.Test) {
  return req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => cb(null, Buffer.concat(chunks)));
  });
}

describe("GET /api/call-logs/:id/audio", () => {
  it("serves stored audio whole, with Accept-Ranges", async () => {
    const res = await binary(owner.agent.get(`/api/call-logs/${storedId}/audio`)).expect(200);
    expect(res.headers["content-type"]).toBe("audio/mpeg");
    expect(res.headers["accept-ranges"]).toBe("bytes");
    expect(Number(res.headers["content-length"])).toBe(mp3.length);
    expect(Buffer.compare(res.body as Buffer, mp3)).toBe(0);
  });

  it("answers byte ranges so the player can seek", async () => {
    const mid = await binary(owner.agent.get(`/api/call-logs/${storedId}/audio`).set("range", "bytes=1000-300999")).expect(206);
    expect(mid.headers["content-range"]).toBe(`bytes 1000-300999/${mp3.length}`);
    expect(Buffer.compare(mid.body as Buffer, mp3.subarray(1000, 301000))).toBe(0);
    const open = await binary(owner.agent.get(`/api/call-logs/${storedId}/audio`).set("range", `bytes=${mp3.length - 10}-`)).expect(206);
    expect(Buffer.compare(open.body as Buffer, mp3.subarray(mp3.length - 10))).toBe(0);
    const suffix = await binary(owner.agent.get(`/api/call-logs/${storedId}/audio`).set("range", "bytes=-500")).expect(206);
    expect(Buffer.compare(suffix.body as Buffer, mp3.subarray(mp3.length - 500))).toBe(0);
    const bad = await owner.agent.get(`/api/call-logs/${storedId}/audio`).set("range", `bytes=${mp3.length}-`).expect(416);
    expect(bad.headers["content-range"]).toBe(`bytes */${mp3.length}`);
  });

  it("fetches audio it does not hold from ElevenLabs with the organization's key, once", async () => {
    const before = fake.requestsFor("/audio").length;
    const res = await binary(owner.agent.get(`/api/call-logs/${remoteId}/audio`)).expect(200);
    expect(Buffer.compare(res.body as Buffer, mp3)).toBe(0);
    const calls = fake.requestsFor("/audio").slice(before);
    expect(calls.map((r) => [r.path, r.apiKey])).toEqual([["/v1/convai/conversations/conv_audio_remote/audio", KEY]]);
    // Kept as the stream ends (the client may see its last byte first).
    await expect
      .poll(async () => (await t.deps.db.select({ size: callAudio.size }).from(callAudio).where(eq(callAudio.callLogId, remoteId)))[0]?.size)
      .toBe(mp3.length);
    const ranged = await binary(owner.agent.get(`/api/call-logs/${remoteId}/audio`).set("range", "bytes=0-99")).expect(206);
    expect((ranged.body as Buffer).length).toBe(100);
    expect(fake.requestsFor("/audio").length).toBe(before + 1);
  });

  it("404s for calls without audio, foreign calls and unknown ids", async () => {
    const conv = makeConversation("agent_audio", { conversation_id: "conv_no_audio" });
    fake.addConversation(KEY, conv);
    const path = new URL((await owner.agent.get("/api/integrations")).body.data[0].webhook.url).pathname;
    await deliver(t.app, path, transcriptionEvent(conv), SECRET).expect(200);
    await owner.agent.get(`/api/call-logs/${await idOf(owner.user.organization.id, conv.conversation_id)}/audio`).expect(404);
    await stranger.agent.get(`/api/call-logs/${storedId}/audio`).expect(404);
    await stranger.agent.get(`/api/call-logs/${remoteId}/audio`).expect(404);
    await owner.agent.get(`/api/call-logs/${randomUUID()}/audio`).expect(404);
    await owner.agent.get(`/api/call-logs/nope/audio`).expect(404);
    await request(t.app).get(`/api/call-logs/${storedId}/audio`).expect(401);
  });
});
