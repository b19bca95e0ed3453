import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../server/env";

const key = Buffer.alloc(32, 7).toString("base64");

describe("parseEnv", () => {
  it("refuses to boot in production without its secrets", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/SESSION_SECRET, ENCRYPTION_KEY, DATABASE_URL/);
  });

  it("boots in production with them", () => {
    const env = parseEnv({
      NODE_ENV: "production",
      SESSION_SECRET: "x".repeat(40),
      ENCRYPTION_KEY: key,
      DATABASE_URL: "postgres://u@db.example/app",
    });
    expect(env.encryptionKeys[0].length).toBe(32);
    expect(env.port).toBe(5000);
    expect(env.appUrl).toBe("http://localhost:5000");
  });

  it("explains bad values", () => {
    expect(() => parseEnv({ ENCRYPTION_KEY: "short" })).toThrow(/ENCRYPTION_KEY must be 32 bytes/);
    expect(() => parseEnv({ PORT: "http" })).toThrow(/PORT/);
    expect(() => parseEnv({ OIDC_ISSUER_URL: "http://idp.example.com", OIDC_CLIENT_ID: "x", DATA_DIR: os.tmpdir() })).toThrow(/https/);
  });

  it("generates local secrets once into DATA_DIR with a warning", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vad-env-"));
    const first = parseEnv({ DATA_DIR: dir });
    const second = parseEnv({ DATA_DIR: dir });
    expect(first.warnings.join()).toMatch(/SESSION_SECRET not set/);
    expect(second.sessionSecret).toBe(first.sessionSecret);
    expect(second.encryptionKeys[0].equals(first.encryptionKeys[0])).toBe(true);
    expect(fs.statSync(path.join(dir, "encryption-key")).mode & 0o777).toBe(0o600);
  });

  it("trusts no proxy unless TRUST_PROXY gives the hops", () => {
    expect(parseEnv({ DATA_DIR: os.tmpdir() }).trustProxyHops).toBe(0);
    expect(parseEnv({ DATA_DIR: os.tmpdir(), NODE_ENV: "test", TRUST_PROXY: "false" }).trustProxyHops).toBe(0);
    expect(parseEnv({ DATA_DIR: os.tmpdir(), TRUST_PROXY: "2" }).trustProxyHops).toBe(2);
    expect(() => parseEnv({ DATA_DIR: os.tmpdir(), TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY/);
    expect(() => parseEnv({ DATA_DIR: os.tmpdir(), TRUST_PROXY: "10.0.0.0/8" })).toThrow(/TRUST_PROXY/);
  });

  it("parses platform admins and the sync interval", () => {
    const env = parseEnv({ DATA_DIR: os.tmpdir(), PLATFORM_ADMIN_EMAILS: " A@x.com, b@y.com ", SYNC_INTERVAL_SECONDS: "0" });
    expect(env.platformAdminEmails).toEqual(["a@x.com", "b@y.com"]);
    expect(env.syncIntervalSeconds).toBe(0);
  });
});
