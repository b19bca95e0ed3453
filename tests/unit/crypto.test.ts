import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Encryptor } from "../../server/lib/crypto";

describe("Encryptor (AES-256-GCM)", () => {
  const encryptor = new Encryptor([randomBytes(32)]);
  const sealed = encryptor.encrypt("sk_live_secret", "org-1", "elevenlabs_api_key");

  it("round-trips, bound to the organization and purpose", () => {
    expect(encryptor.decrypt(sealed, "org-1", "elevenlabs_api_key")).toBe("sk_live_secret");
    expect(() => encryptor.decrypt(sealed, "org-2", "elevenlabs_api_key")).toThrow();
  });

  it("refuses a truncated authentication tag (only the full 16 bytes are accepted)", () => {
    const parts = sealed.split(".");
    // A 4-byte prefix of the real tag: GCM without authTagLength would check only these 32 bits.
    parts[3] = Buffer.from(parts[3], "base64url").subarray(0, 4).toString("base64url");
    expect(() => encryptor.decrypt(parts.join("."), "org-1", "elevenlabs_api_key")).toThrow(/tag/i);
  });
});
