import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

const PARAMS: ScryptOptions = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEYLEN = 64;

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, KEYLEN, PARAMS, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  // Hash anyway when there is no stored hash, so unknown emails take as long as wrong passwords.
  const parts = (stored ?? "").split("$");
  const salt = parts.length === 6 ? Buffer.from(parts[4], "base64") : randomBytes(16);
  const expected = parts.length === 6 ? Buffer.from(parts[5], "base64") : randomBytes(KEYLEN);
  const key = await derive(password, salt);
  return parts.length === 6 && key.length === expected.length && timingSafeEqual(key, expected);
}
