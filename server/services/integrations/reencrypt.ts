/** Re-encrypts every stored secret with the current (first) ENCRYPTION_KEY, after a rotation. */
import { eq } from "drizzle-orm";
import type { OwnerDb } from "../../db/owner";
import { integrations } from "../../db/schema";
import type { Encryptor, SecretPurpose } from "../../lib/crypto";

export type ReencryptResult = { rows: number; secretsRewritten: number };

export async function reencryptSecrets(db: OwnerDb, encryptor: Encryptor): Promise<ReencryptResult> {
  const rows = await db.select().from(integrations);
  let secretsRewritten = 0;
  for (const row of rows) {
    const rotate = (value: string | null, purpose: SecretPurpose) => {
      if (!value || !encryptor.needsRotation(value)) return value;
      secretsRewritten++;
      return encryptor.encrypt(encryptor.decrypt(value, row.organizationId, purpose), row.organizationId, purpose);
    };
    const encryptedApiKey = rotate(row.encryptedApiKey, "elevenlabs_api_key");
    const encryptedWebhookSecret = rotate(row.encryptedWebhookSecret, "elevenlabs_webhook_secret");
    if (encryptedApiKey !== row.encryptedApiKey || encryptedWebhookSecret !== row.encryptedWebhookSecret)
      await db.update(integrations).set({ encryptedApiKey, encryptedWebhookSecret }).where(eq(integrations.id, row.id));
  }
  return { rows: rows.length, secretsRewritten };
}
