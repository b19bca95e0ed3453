/**
 * First run with the embedded PostgreSQL, as a newcomer does it: a taken port stops start-up with a clear message
 * and exit code 1; `npm run seed:demo` works while the app runs (on the app's database, printing the app's address)
 * and connects the demo organization to the fake ElevenLabs so "Sync now" works; after a kill -9 of the app, `npm
 * start` on the same DATA_DIR comes up (it stops the PostgreSQL the killed app left behind); SIGTERM to the npm
 * process stops node and PostgreSQL.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../server/db/embedded";
import { embeddedLocation } from "../../server/db/embedded-location";
import { FakeElevenLabs, makeConversation } from "../fake-elevenlabs/server";
import { agentSync, ApiClient, removeTempDirs, spawnServer, startServer, tempDir, until, type ServerProcess } from "./server-process";

const root = path.resolve(import.meta.dirname, "../..");
const FAKE_KEY = "sk_fake_first_run_0001";
const fake = new FakeElevenLabs();
const running: ServerProcess[] = [];

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(FAKE_KEY);
  fake.addAgent(FAKE_KEY, "agent_first_desk", "Front Desk");
  fake.addAgent(FAKE_KEY, "agent_first_sales", "Sales");
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < 6; i++) fake.addConversation(FAKE_KEY, makeConversation("agent_first_desk", { conversation_id: `conv_first_${i}`, startUnix: now - 600 - i * 60 }));
});
afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGKILL");
  await Promise.all(running.map((s) => s.exited));
  await fake.stop();
  removeTempDirs();
}, 60_000);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const postmasterPid = (dataDir: string) => Number(fs.readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);

function run(command: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("first run", () => {
  it("stops with a clear message and exit code 1 when the port is taken", async () => {
    const port = await freePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, resolve));
    try {
      const server = await spawnServer({ port, databaseUrl: "postgres://nobody@127.0.0.1:1/none", dataDir: tempDir("vad-port-") });
      running.push(server);
      const exit = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r("still running"), 30_000))]);
      expect(exit, server.output()).toEqual({ code: 1, signal: null });
      expect(server.output()).toMatch(new RegExp(`Port ${port} is already in use`));
      expect(server.output()).not.toMatch(/listening on/);
    } finally {
      blocker.close();
    }
  }, 60_000);

  // As root the embedded PostgreSQL runs as the "postgres" user, which cannot enter a DATA_DIR (or clone) under a
  // directory of mode 700, like /root: its files go to a directory of its own under /var/lib (decision 014). A
  // database a normal user's npm start made in DATA_DIR/pg is not swapped for an empty one there.
  it.runIf(process.getuid?.() === 0)(
    "as root, starts with DATA_DIR where the postgres user cannot enter, again on the same DATA_DIR, and keeps a normal user's database",
    async () => {
      const closed = tempDir("vad-root-");
      fs.chmodSync(closed, 0o700);
      const dataDir = path.join(closed, "data");
      const location = embeddedLocation(dataDir, { root: true });
      try {
        const first = await startServer({ dataDir });
        running.push(first);
        expect(first.output()).toContain(`PostgreSQL's files go to ${location.runtimeDir}`);
        expect(fs.existsSync(path.join(location.databaseDir, "PG_VERSION"))).toBe(true);
        expect(fs.existsSync(path.join(dataDir, "pg"))).toBe(false);
        const account = { email: "root-start@example.com", password: "correct horse battery", name: "Root", organizationName: "Root Org" };
        expect((await new ApiClient(first.url).call("POST", "/api/auth/register", account)).status).toBe(201);
        first.child.kill("SIGTERM");
        expect(await first.exited, first.output()).toEqual({ code: 0, signal: null });
        expect(fs.existsSync(path.join(location.databaseDir, "postmaster.pid"))).toBe(false);
        // The second start finds the same database: the account made on the first is there.
        const again = await startServer({ dataDir });
        running.push(again);
        const login = await new ApiClient(again.url).call("POST", "/api/auth/login/password", { email: account.email, password: account.password });
        expect(login.status).toBe(200);
        again.child.kill("SIGTERM");
        expect(await again.exited, again.output()).toEqual({ code: 0, signal: null });

        // DATA_DIR/pg made by a normal user's npm start: start-up stops instead of using an empty database under /var/lib.
        fs.mkdirSync(path.join(dataDir, "pg"), { recursive: true });
        fs.writeFileSync(path.join(dataDir, "pg", "PG_VERSION"), "18\n");
        const refused = await spawnServer({ dataDir });
        running.push(refused);
        const exit = await Promise.race([refused.exited, new Promise((r) => setTimeout(() => r("still running"), 60_000))]);
        expect(exit, refused.output()).toEqual({ code: 1, signal: null });
        expect(refused.output()).toMatch(/was made by a normal user.*run npm start as that user/);
      } finally {
        fs.rmSync(location.runtimeDir, { recursive: true, force: true });
      }
    },
    240_000,
  );

  it("seeds the demo while the app runs, survives a kill -9, and stops node and PostgreSQL on SIGTERM to npm start", async () => {
    const dataDir = tempDir("vad-first-");
    const env = { ELEVENLABS_API_URL: fake.url, FAKE_ELEVENLABS_KEY: FAKE_KEY };
    const app = await startServer({ dataDir, env });
    running.push(app);

    // seed:demo beside the running app: the app's database, the app's address (not the default port).
    const seeded = await run("npm", ["run", "--silent", "seed:demo"], {
      DATA_DIR: dataDir,
      SESSION_SECRET: "process-test-session-secret-0123456789abcdef",
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
      FAKE_ELEVENLABS_KEY: FAKE_KEY,
    });
    expect(seeded.code, seeded.output).toBe(0);
    expect(seeded.output).toContain(`Sign in at ${app.url}/login`);
    expect(seeded.output).toMatch(/Connected to the fake ElevenLabs/);

    // The demo organization is connected to the fake: "Sync now" pulls its conversations.
    const api = new ApiClient(app.url);
    const login = await api.call("POST", "/api/auth/login/password", { email: "demo@voiceai.example", password: "demo password 2026" });
    expect(login.status).toBe(200);
    const agents = (await api.call("GET", "/api/agents")).body.data as Array<{ id: string; elevenLabsAgentId: string; totalCalls: number }>;
    const desk = agents.find((a) => a.elevenLabsAgentId === "agent_first_desk");
    expect(desk).toBeDefined();
    const before = (await agentSync(api, desk!.id)).lastSyncedAt;
    expect((await api.call("POST", `/api/agents/${desk!.id}/sync`)).status).toBe(202);
    await until(async () => {
      const sync = await agentSync(api, desk!.id);
      return sync.status === "idle" && sync.lastSyncedAt !== before;
    }, 30_000, "the demo agent's sync", 250);
    expect((await agentSync(api, desk!.id)).error).toBeNull();
    await until(async () => (await api.call("GET", `/api/agents/${desk!.id}`)).body.totalCalls === desk!.totalCalls + 6, 30_000, "the synced calls to be projected", 250);

    // kill -9 leaves the embedded PostgreSQL behind; npm start on the same DATA_DIR takes over.
    const orphan = postmasterPid(dataDir);
    app.child.kill("SIGKILL");
    await app.exited;
    expect(alive(orphan)).toBe(true);
    const again = await startServer({ dataDir, env, via: "npm" });
    running.push(again);
    expect(alive(orphan)).toBe(false);
    expect(again.output()).toMatch(/left running by a process that ended/);

    // SIGTERM to the npm process (what systemd and Docker send) stops node and PostgreSQL.
    const nodePid = (JSON.parse(fs.readFileSync(path.join(dataDir, "app.json"), "utf8")) as { pid: number }).pid;
    const postgres = postmasterPid(dataDir);
    again.child.kill("SIGTERM");
    expect(await again.exited, again.output().slice(-2000)).toEqual({ code: 0, signal: null });
    await until(() => !alive(nodePid) && !alive(postgres), 10_000, "node and PostgreSQL to stop");
  }, 240_000);
});
