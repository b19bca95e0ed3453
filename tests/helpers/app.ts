/** Builds a real app on a fresh database for one test file, and captures every log line. */
import { Writable } from "node:stream";
import { randomBytes } from "node:crypto";
import request from "supertest";
import type { Express } from "express";
import type { User } from "@shared/schemas";
import { createApp } from "../../server/app";
import { parseEnv, type Env } from "../../server/env";
import { Encryptor } from "../../server/lib/crypto";
import { createLogger } from "../../server/lib/logger";
import type { AppDeps } from "../../server/deps";
import { noJobs, type Jobs } from "../../server/services/jobs";
import { createTestDatabase, type TestDatabase } from "./db";
import { WebhookTokenCache } from "../../server/services/ingestion/webhook-token-cache";
import { InboxSignal } from "../../server/services/ingestion/inbox";
import { scanLogLine } from "../setup/canary";
import { elevenLabsClients, type ElevenLabsClientOptions } from "../../server/elevenlabs/client";

export type TestApp = {
  app: Express;
  deps: AppDeps;
  logs: string[];
  /** The test database's connection string (for pg-boss and other direct clients). */
  databaseUrl: string;
  /** The tenant role's pool behind deps.tenantDb (logged in as vad_app), for tests of the boundary itself. */
  tenantPool: import("pg").Pool;
  close: () => Promise<void>;
};

export type TestAppOptions = {
  env?: Record<string, string>;
  jobs?: Jobs;
  database?: TestDatabase;
  /** Defaults for the ElevenLabs client (timeouts, retries, sleep): the app's own unless a test needs shorter ones. */
  elevenlabs?: Omit<ElevenLabsClientOptions, "baseUrl" | "apiKey">;
};

export function testEnv(overrides: Record<string, string> = {}): Env {
  return parseEnv({
    NODE_ENV: "test",
    SESSION_SECRET: "test-session-secret-that-is-long-enough-0123456789",
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    APP_URL: "http://app.test",
    LOG_LEVEL: "info",
    DATABASE_URL: "postgres://unused@127.0.0.1/unused",
    ...overrides,
  });
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      scanLogLine(String(chunk));
      cb();
    },
  });
  const env = testEnv(options.env);
  const deps: AppDeps = {
    db: database.db,
    tenantDb: database.tenantDb,
    env,
    log: createLogger(env.logLevel, sink),
    encryptor: new Encryptor(env.encryptionKeys),
    jobs: options.jobs ?? noJobs,
    now: () => new Date(),
    webhookTokens: new WebhookTokenCache(), inbox: new InboxSignal(),
    elevenlabs: elevenLabsClients(env.elevenLabsApiUrl, options.elevenlabs),
  };
  const app = await createApp(deps);
  return { app, deps, logs, databaseUrl: database.url, tenantPool: database.tenantPool, close: database.drop };
}

let counter = 0;
export function uniqueEmail(prefix = "user"): string {
  counter += 1;
  return `${prefix}-${counter}-${randomBytes(3).toString("hex")}@example.com`;
}

/** Registers a new organization's owner and returns a signed-in supertest agent. */
export async function signUp(app: Express, overrides: Partial<{ email: string; password: string; name: string; organizationName: string; inviteToken: string }> = {}) {
  const agent = request.agent(app);
  const body = { email: uniqueEmail(), password: "correct horse battery", name: "Test User", organizationName: "Acme", ...overrides };
  const res = await agent.post("/api/auth/register").send(body);
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { agent, user: res.body as User, password: body.password };
}
