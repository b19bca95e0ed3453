/**
 * Secrets at rest: AES-256-GCM, random IV, a key id prefix (so ENCRYPTION_KEY can be rotated),
 * and additional authenticated data binding the organization and the purpose.
 * Format: v1.<keyId>.<iv b64url>.<tag b64url>.<ciphertext b64url>
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

export type SecretPurpose = "elevenlabs_api_key" | "elevenlabs_webhook_secret";

export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

export class Encryptor {
  private readonly byId: Map<string, Buffer>;
  private readonly current: Buffer;
  private readonly currentId: string;

  /** `keys`: newest first. The first encrypts; all can decrypt. */
  constructor(keys: Buffer[]) {
    if (!keys.length || keys.some((k) => k.length !== 32)) throw new Error("Encryption keys must be 32 bytes");
    this.current = keys[0];
    this.currentId = keyId(keys[0]);
    this.byId = new Map(keys.map((k) => [keyId(k), k]));
  }

  encrypt(plaintext: string, organizationId: string, purpose: SecretPurpose): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.current, iv);
    cipher.setAAD(Buffer.from(`${organizationId}:${purpose}`));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ["v1", this.currentId, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(".");
  }

  decrypt(payload: string, organizationId: string, purpose: SecretPurpose): string {
    const [version, id, iv, tag, ciphertext] = payload.split(".");
    if (version !== "v1" || !ciphertext) throw new Error("Unrecognised secret format");
    const key = this.byId.get(id);
    if (!key) throw new Error(`Secret was encrypted with unknown key ${id}; add that key to ENCRYPTION_KEY`);
    // authTagLength: a truncated tag (GCM accepts 4 to 16 bytes by default) is refused, not checked on fewer bits.
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(`${organizationId}:${purpose}`));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  }

  /** True when the payload was not encrypted with the current key (a re-encrypt candidate). */
  needsRotation(payload: string): boolean {
    return payload.split(".")[1] !== this.currentId;
  }
}

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}
