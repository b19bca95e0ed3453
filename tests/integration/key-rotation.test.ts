import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { createApp } from "../../server/app";
import { Encryptor, keyId } from "../../server/lib/crypto";
import { integrations } from "../../server/db/schema";
import { reencryptSecrets } from "../../server/services/integrations/reencrypt";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { FakeElevenLabs } from "../fake-elevenlabs/server";

const KEY = "sk_test_rotation_5678";
const fake = new FakeElevenLabs();
let t: TestApp;

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY);
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url } });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

describe("ENCRYPTION_KEY rotation", () => {
  it("reads old secrets with the old key listed second, writes new ones with the new key, and re-encrypts all", async () => {
    const oldKey = t.deps.env.encryptionKeys[0];
    const { agent, user } = await signUp(t.app);
    await agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY, webhookSecret: "whsec_rotate" }).expect(200);

    const newKey = randomBytes(32);
    const rotated = new Encryptor([newKey, oldKey]);
    const app = await createApp({ ...t.deps, encryptor: rotated, env: { ...t.deps.env, encryptionKeys: [newKey, oldKey] } });
    const request = (await import("supertest")).default;
    const session = request.agent(app);
    await session.post("/api/auth/login/password").send({ email: user.email, password: "correct horse battery" }).expect(200);
    // Old rows are still readable: the key test decrypts and uses the stored key.
    expect((await session.post("/api/integrations/test").send({ provider: "elevenlabs" }).expect(200)).body.status).toBe("ACTIVE");
    expect(fake.requestsFor("/v1/user").at(-1)?.apiKey).toBe(KEY);

    const [before] = await t.deps.db.select().from(integrations).where(eq(integrations.organizationId, user.organization.id));
    expect(before.encryptedApiKey!.split(".")[1]).toBe(keyId(oldKey));
    const result = await reencryptSecrets(t.deps.db, rotated);
    expect(result.secretsRewritten).toBeGreaterThanOrEqual(2);
    const [after] = await t.deps.db.select().from(integrations).where(eq(integrations.organizationId, user.organization.id));
    expect(after.encryptedApiKey!.split(".")[1]).toBe(keyId(newKey));
    expect(after.encryptedWebhookSecret!.split(".")[1]).toBe(keyId(newKey));
    // Once re-encrypted, the old key can go.
    const onlyNew = new Encryptor([newKey]);
    expect(onlyNew.decrypt(after.encryptedApiKey!, user.organization.id, "elevenlabs_api_key")).toBe(KEY);
    expect(onlyNew.decrypt(after.encryptedWebhookSecret!, user.organization.id, "elevenlabs_webhook_secret")).toBe("whsec_rotate");
    expect((await reencryptSecrets(t.deps.db, rotated)).secretsRewritten).toBe(0);
  });

  it("binds a secret to its organization and purpose", () => {
    const e = new Encryptor([randomBytes(32)]);
    const sealed = e.encrypt("sk_live", "org-a", "elevenlabs_api_key");
    expect(() => e.decrypt(sealed, "org-b", "elevenlabs_api_key")).toThrow();
    expect(() => e.decrypt(sealed, "org-a", "elevenlabs_webhook_secret")).toThrow();
    expect(e.decrypt(sealed, "org-a", "elevenlabs_api_key")).toBe("sk_live");
  });
});
