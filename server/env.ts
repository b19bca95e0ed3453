/** The environment, parsed once. The only module that reads process.env. */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .pipe(z.string().url().optional());

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(5000),
  DATABASE_URL: optionalUrl.optional(),
  DATABASE_APP_URL: optionalUrl.optional(),
  DATA_DIR: z.string().min(1).default("./.data"),
  SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters").optional(),
  ENCRYPTION_KEY: z
    .string()
    .optional()
    .refine((v) => v === undefined || v.split(",").every((k) => decodeKey(k) !== null), {
      message: "ENCRYPTION_KEY must be 32 bytes in base64 (optionally a comma-separated list, newest first, for rotation)",
    }),
  ELEVENLABS_API_URL: z.string().url().default("https://api.elevenlabs.io"),
  OIDC_ISSUER_URL: optionalUrl.optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  APP_URL: optionalUrl.optional(),
  PLATFORM_ADMIN_EMAILS: z.string().default(""),
  SMTP_URL: optionalUrl.optional(),
  TRUST_PROXY: z
    .string()
    .trim()
    .toLowerCase()
    .default("false")
    .refine((v) => v === "" || v === "false" || /^\d{1,2}$/.test(v), {
      message: "TRUST_PROXY must be the number of reverse-proxy hops in front of the app (e.g. 1), or false",
    }),
  SYNC_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(300),
  ALERT_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  /** Sign-ups per client address and hour (DESIGN.md §5's registration limit). */
  REGISTRATIONS_PER_HOUR: z.coerce.number().int().min(1).default(10),
  ALLOW_PRIVATE_TARGETS: z.enum(["true", "false", ""]).optional(),
  RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600),
  WEBHOOK_UNVERIFIED_BYTES: z.coerce.number().int().min(1024 * 1024).default(256 * 1024 * 1024),
  PROJECTOR: z.enum(["on", "off"]).default("on"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  FAKE_ELEVENLABS_KEY: z.string().min(1).default("sk_fake_demo_key_0001"),
});

export type Env = {
  /** "local" when NODE_ENV is unset: `npm start` on a laptop (built client, generated secrets, no dev login). */
  nodeEnv: "development" | "production" | "test" | "local";
  port: number;
  databaseUrl: string | undefined;
  /** The tenant login role's URL when the operator manages that role; unset = derived from the owner's (decision 003). */
  databaseAppUrl: string | undefined;
  dataDir: string;
  sessionSecret: string;
  /** Newest first; the first encrypts, all decrypt. */
  encryptionKeys: Buffer[];
  elevenLabsApiUrl: string;
  oidc: { issuerUrl: string; clientId: string; clientSecret: string | undefined } | null;
  appUrl: string;
  platformAdminEmails: string[];
  /** Mail server for invitation emails; may carry credentials, so never log it. */
  smtpUrl: string | undefined;
  syncIntervalSeconds: number;
  /** How often alert rules are evaluated; 0 disables the evaluator. */
  alertIntervalSeconds: number;
  registrationsPerHour: number;
  /** Alert channels may post to loopback/private addresses and plain http (tests, intranets). */
  allowPrivateTargets: boolean;
  /** How often the retention job runs (DESIGN.md §11); 0 disables it. */
  retentionIntervalSeconds: number;
  /** Bytes that webhook bodies not yet verified may hold at once, all requests together (DESIGN.md §8). */
  webhookUnverifiedBytes: number;
  /** PROJECTOR=off: this instance acknowledges deliveries but builds no calls (others, or a later start, do). */
  projector: boolean;
  /** Reverse-proxy hops whose X-Forwarded-For is believed; 0 = the socket address (no proxy). */
  trustProxyHops: number;
  logLevel: string;
  /** The demo key of `npm run fake:elevenlabs` (seed:demo connects to the fake with it). */
  fakeElevenLabsKey: string;
  warnings: string[];
};

function decodeKey(value: string): Buffer | null {
  const buf = Buffer.from(value.trim(), "base64");
  return buf.length === 32 ? buf : null;
}

export class EnvError extends Error {}

/** Reads a secret from DATA_DIR, creating it once when missing (`created` says whether this call made it). */
function localSecret(dataDir: string, file: string, make: () => string): { value: string; created: boolean } {
  const p = path.join(dataDir, file);
  if (fs.existsSync(p)) return { value: fs.readFileSync(p, "utf8").trim(), created: false };
  fs.mkdirSync(dataDir, { recursive: true });
  const value = make();
  fs.writeFileSync(p, value, { mode: 0o600 });
  return { value, created: true };
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const warnings: string[] = [];
  const dataDir = path.resolve(e.DATA_DIR);

  if (e.NODE_ENV === "production") {
    const missing = (["SESSION_SECRET", "ENCRYPTION_KEY", "DATABASE_URL"] as const).filter((k) => !e[k]);
    if (missing.length) throw new EnvError(`Production requires ${missing.join(", ")} to be set`);
  }
  let sessionSecret = e.SESSION_SECRET;
  if (!sessionSecret) {
    const secret = localSecret(dataDir, "session-secret", () => randomBytes(32).toString("hex"));
    sessionSecret = secret.value;
    // Said once, when generated: later starts use the same file silently.
    if (secret.created) warnings.push(`SESSION_SECRET not set: generated one and kept it in ${dataDir}/session-secret (set SESSION_SECRET in production)`);
  }
  let encryptionKeySource = e.ENCRYPTION_KEY;
  if (!encryptionKeySource) {
    const key = localSecret(dataDir, "encryption-key", () => randomBytes(32).toString("base64"));
    encryptionKeySource = key.value;
    if (key.created) warnings.push(`ENCRYPTION_KEY not set: generated one and kept it in ${dataDir}/encryption-key (back it up: stored API keys cannot be read without it)`);
  }
  const encryptionKeys = encryptionKeySource.split(",").map((k) => decodeKey(k) as Buffer);

  let oidc: Env["oidc"] = null;
  if (e.OIDC_ISSUER_URL) {
    if (!e.OIDC_CLIENT_ID) throw new EnvError("OIDC_ISSUER_URL is set but OIDC_CLIENT_ID is missing");
    const u = new URL(e.OIDC_ISSUER_URL);
    if (u.protocol !== "https:" && !["localhost", "127.0.0.1"].includes(u.hostname)) {
      throw new EnvError("OIDC_ISSUER_URL must use https (plain http only for localhost)");
    }
    oidc = { issuerUrl: e.OIDC_ISSUER_URL, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET };
  }

  return {
    nodeEnv: e.NODE_ENV ?? "local",
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databaseAppUrl: e.DATABASE_APP_URL,
    dataDir,
    sessionSecret,
    encryptionKeys,
    elevenLabsApiUrl: e.ELEVENLABS_API_URL.replace(/\/$/, ""),
    oidc,
    appUrl: (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ""),
    platformAdminEmails: e.PLATFORM_ADMIN_EMAILS.split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
    smtpUrl: e.SMTP_URL,
    syncIntervalSeconds: e.SYNC_INTERVAL_SECONDS,
    alertIntervalSeconds: e.ALERT_INTERVAL_SECONDS,
    registrationsPerHour: e.REGISTRATIONS_PER_HOUR,
    allowPrivateTargets: e.ALLOW_PRIVATE_TARGETS === "true",
    retentionIntervalSeconds: e.RETENTION_INTERVAL_SECONDS,
    projector: e.PROJECTOR === "on",
    webhookUnverifiedBytes: e.WEBHOOK_UNVERIFIED_BYTES,
    trustProxyHops: e.TRUST_PROXY === "" || e.TRUST_PROXY === "false" ? 0 : Number(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    fakeElevenLabsKey: e.FAKE_ELEVENLABS_KEY,
    warnings,
  };
}
