/** The real server (server/index.ts) as a child process: start, wait until ready, signal, watch it exit. */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { freePort } from "../../server/db/embedded";
import { signatureHeader } from "../../server/elevenlabs/webhook-signature";
import { withDatabase } from "../helpers/url";

const root = path.resolve(import.meta.dirname, "../..");

export type ServerProcess = {
  child: ChildProcess;
  url: string;
  port: number;
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** Without databaseUrl the server starts its embedded PostgreSQL under dataDir. */
export type ServerOptions = { databaseUrl?: string; dataDir: string; port?: number; env?: Record<string, string> };

/** The client is served from dist/public; building it (once, under a lock) keeps every boot fast and race-free. */
export async function ensureClientBuilt(): Promise<void> {
  const index = path.join(root, "dist/public/index.html");
  if (fs.existsSync(index)) return;
  const lock = path.join(os.tmpdir(), "vad-client-build.lock");
  try {
    fs.mkdirSync(lock);
  } catch {
    await until(() => fs.existsSync(index) || !fs.existsSync(lock), 180_000, "the client build by another test file");
    return ensureClientBuilt();
  }
  try {
    const { build } = await import("vite");
    await build({ configFile: path.join(root, "vite.config.ts"), logLevel: "warn" });
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** One request on a fresh connection (no keep-alive pool), so a closed listener shows as ECONNREFUSED. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? "GET", headers: { connection: "close", ...options.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Starts the server process without waiting for it (`via: "npm"` runs `npm start`, as a person or systemd would). */
export async function spawnServer(options: ServerOptions & { via?: "node" | "npm" }): Promise<ServerProcess> {
  await ensureClientBuilt();
  const port = options.port ?? (await freePort());
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? os.tmpdir(),
    NODE_ENV: "test",
    PORT: String(port),
    DATA_DIR: options.dataDir,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    APP_URL: `http://127.0.0.1:${port}`,
    SESSION_SECRET: "process-test-session-secret-0123456789abcdef",
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
    SYNC_INTERVAL_SECONDS: "0",
    LOG_LEVEL: "info",
    ...options.env,
  };
  // node --import tsx: one process (the tsx CLI would put a second one in front, and a kill -9 would miss the server).
  const child =
    options.via === "npm"
      ? spawn("npm", ["start", "--silent"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] })
      : spawn(process.execPath, ["--import", "tsx", "server/index.ts"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, url: `http://127.0.0.1:${port}`, port, output: () => out, exited };
}

export async function startServer(options: ServerOptions & { via?: "node" | "npm" }): Promise<ServerProcess> {
  const server = await spawnServer(options);
  let gone = false;
  void server.exited.then(() => (gone = true));
  await until(
    async () => {
      if (gone) throw new Error(`the server exited during boot:\n${server.output()}`);
      return rawRequest(`${server.url}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
    },
    120_000,
    "the server to become ready",
    100,
  );
  return server;
}

/** A fresh database on the run's test PostgreSQL (the server migrates it at boot). */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = inject("adminUrl");
  const name = `vad_proc_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: withDatabase(adminUrl, name),
    drop: async () => {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end();
    },
  };
}

const tempDirs: string[] = [];

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  tempDirs.push(dir);
  return dir;
}

/** Removes the directories tempDir made (call after the processes using them are gone). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A tiny cookie-keeping JSON client for the spawned server. */
export class ApiClient {
  private cookie = "";
  constructor(readonly baseUrl: string) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> & { error?: { code: string } } }> {
    const res = await rawRequest(`${this.baseUrl}${path}`, {
      method,
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const setCookie = res.headers["set-cookie"];
    if (setCookie?.length) this.cookie = setCookie.map((c) => c.split(";")[0]).join("; ");
    return { status: res.status, body: res.text ? (JSON.parse(res.text) as Record<string, unknown>) : {} };
  }
}

/** Registers an organization and saves an integration (key + webhook secret); returns the webhook path. */
export async function setUpOrganization(api: ApiClient, apiKey: string, webhookSecret: string) {
  const email = `proc-${randomBytes(4).toString("hex")}@example.com`;
  const password = "correct horse battery";
  const reg = await api.call("POST", "/api/auth/register", { email, password, name: "Proc", organizationName: "Process Org" });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  const integration = await api.call("POST", "/api/integrations", { provider: "elevenlabs", apiKey, webhookSecret });
  if (integration.status !== 200) throw new Error(`integration failed: ${integration.status} ${JSON.stringify(integration.body)}`);
  const webhookUrl = (integration.body.webhook as { url: string }).url;
  return { email, password, webhookPath: new URL(webhookUrl).pathname };
}

/** A signed ElevenLabs delivery to the spawned server. */
export function deliverTo(baseUrl: string, webhookPath: string, body: unknown, secret: string) {
  const raw = JSON.stringify(body);
  return rawRequest(`${baseUrl}${webhookPath}`, {
    method: "POST",
    headers: { "content-type": "application/json", "elevenlabs-signature": signatureHeader(secret, raw) },
    body: raw,
  });
}

/** Waits until the server's output matches. */
export function untilOutput(server: ServerProcess, pattern: RegExp, timeoutMs: number, what: string): Promise<void> {
  return until(() => pattern.test(server.output()), timeoutMs, what, 100);
}

/** The sync state of an agent as the API reports it. */
export async function agentSync(api: ApiClient, id: string): Promise<{ status: string; lastSyncedAt: string | null; error: string | null }> {
  const res = await api.call("GET", `/api/agents/${id}`);
  if (res.status !== 200) throw new Error(`agent ${id}: ${res.status}`);
  return res.body.sync as { status: string; lastSyncedAt: string | null; error: string | null };
}
