/**
 * `npm run keys:reencrypt`: after putting a new key first in ENCRYPTION_KEY (old ones after it, comma-separated),
 * rewrites every stored secret with the new key. Then the old keys can be removed from ENCRYPTION_KEY.
 */
import { parseEnv } from "../env";
import { createDb, createPool } from "../db/client";
import { startEmbeddedPostgres } from "../db/embedded";
import { Encryptor } from "../lib/crypto";
import { reencryptSecrets } from "../services/integrations/reencrypt";

const env = parseEnv();
const embedded = env.databaseUrl ? null : await startEmbeddedPostgres(env.dataDir);
const pool = createPool(env.databaseUrl ?? embedded!.url, 2);
try {
  const result = await reencryptSecrets(createDb(pool), new Encryptor(env.encryptionKeys));
  console.log(`checked ${result.rows} integrations, re-encrypted ${result.secretsRewritten} secrets with the current key`);
} finally {
  await pool.end();
  await embedded?.stop();
}
