/** Re-encrypts every stored secret with the current (first) ENCRYPTION_KEY, after a rotation. */
import { eq } from "drizzle-orm";
import type { OwnerDb } from "../../db/owner";
import { alertChannels, integrations } from "../../db/schema";
import type { Encryptor, SecretPurpose } from "../../lib/crypto";

export type ReencryptResult = { rows: number; secretsRewritten: number };

export async function reencryptSecrets(db: OwnerDb, encryptor: Encryptor): Promise<ReencryptResult> {
  let secretsRewritten = 0;
  const rotate = <T extends string | null>(value: T, organizationId: string, purpose: SecretPurpose): T => {
    if (!value || !encryptor.needsRotation(value)) return value;
    secretsRewritten++;
    return encryptor.encrypt(encryptor.decrypt(value, organizationId, purpose), organizationId, purpose) as T;
  };
  const rows = await db.select().from(integrations);
  for (const row of rows) {
    const encryptedApiKey = rotate(row.encryptedApiKey, row.organizationId, "elevenlabs_api_key");
    const encryptedWebhookSecret = rotate(row.encryptedWebhookSecret, row.organizationId, "elevenlabs_webhook_secret");
    if (encryptedApiKey !== row.encryptedApiKey || encryptedWebhookSecret !== row.encryptedWebhookSecret)
      await db.update(integrations).set({ encryptedApiKey, encryptedWebhookSecret }).where(eq(integrations.id, row.id));
  }
  // Alert channel targets and signing secrets are encrypted the same way.
  const channels = await db.select().from(alertChannels);
  for (const row of channels) {
    const encryptedTarget = rotate(row.encryptedTarget, row.organizationId, "alert_channel_target");
    const encryptedSecret = rotate(row.encryptedSecret, row.organizationId, "alert_channel_secret");
    if (encryptedTarget !== row.encryptedTarget || encryptedSecret !== row.encryptedSecret)
      await db.update(alertChannels).set({ encryptedTarget, encryptedSecret }).where(eq(alertChannels.id, row.id));
  }
  return { rows: rows.length + channels.length, secretsRewritten };
}
