/**
 * `pg_dump --schema-only` needs a pg_dump at least as new as the server. The machine's PostgreSQL client may be
 * older than the embedded server (15 against 18 here): then a throwaway cluster of the client's own version is
 * started from the same installation (/usr/lib/postgresql/<major>/bin), so the comparison runs on a server that
 * pg_dump can read.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../../server/db/embedded";

export type PgDump = { bin: string; major: number; dir: string };

/** The newest pg_dump on the machine (Debian's versioned directories, then PATH). */
export function newestPgDump(): PgDump | null {
  const candidates: string[] = [];
  const root = "/usr/lib/postgresql";
  if (fs.existsSync(root)) for (const v of fs.readdirSync(root)) candidates.push(path.join(root, v, "bin", "pg_dump"));
  try {
    candidates.push(execFileSync("sh", ["-c", "command -v pg_dump"], { encoding: "utf8" }).trim());
  } catch {
    // none on PATH
  }
  let best: PgDump | null = null;
  for (const bin of candidates.filter((c) => c && fs.existsSync(c))) {
    const match = /\(PostgreSQL\) (\d+)/.exec(execFileSync(bin, ["--version"], { encoding: "utf8" }));
    const major = match ? Number(match[1]) : 0;
    if (!best || major > best.major) best = { bin: fs.realpathSync(bin), major, dir: path.dirname(fs.realpathSync(bin)) };
  }
  return best;
}

export async function serverMajor(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("select current_setting('server_version_num') as v");
    return Math.floor(Number(rows[0].v) / 10_000);
  } finally {
    await client.end();
  }
}

export type Cluster = { url: string; stop: () => Promise<void> };

/** A throwaway cluster from `dir` (initdb, postgres), trust authentication on 127.0.0.1 only. */
export async function startCluster(dir: string): Promise<Cluster> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "vad-pgdump-"));
  // PostgreSQL refuses to run as root: run it as the installation's `postgres` user.
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? { uid: Number(execFileSync("id", ["-u", "postgres"]).toString()), gid: Number(execFileSync("id", ["-g", "postgres"]).toString()) } : {};
  if (asRoot) {
    fs.chmodSync(dataDir, 0o755);
    execFileSync("chown", ["postgres:postgres", dataDir]);
  }
  const pgData = path.join(dataDir, "pg");
  execFileSync(path.join(dir, "initdb"), ["-D", pgData, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], { ...ids, stdio: "ignore" });
  const port = await freePort();
  const server: ChildProcess = spawn(
    path.join(dir, "postgres"),
    ["-D", pgData, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off"],
    { ...ids, stdio: "ignore" },
  );
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (err) {
      await client.end().catch(() => {});
      if (Date.now() > deadline || server.exitCode !== null) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGINT"); // fast shutdown
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The schema as pg_dump writes it, minus what differs by construction and not by schema. */
export function schemaDump(dump: PgDump, url: string): string {
  const u = new URL(url);
  const text = execFileSync(
    dump.bin,
    ["--schema-only", "--exclude-schema=drizzle", "-h", u.hostname, "-p", u.port || "5432", "-U", decodeURIComponent(u.username), u.pathname.slice(1)],
    { encoding: "utf8", env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } },
  );
  return (
    text
      .split("\n")
      // A random key per dump (pg_dump's \restrict guard).
      .filter((line) => !/^\\(un)?restrict /.test(line))
      .join("\n")
      // Column order: migrations append new columns at the end, push writes them in declaration order. Columns are
      // addressed by name everywhere, so each CREATE TABLE's column lines are compared as a sorted set.
      .replace(/(CREATE TABLE [^\n]* \(\n)(.*?)\n(\);)/gs, (_m, head: string, body: string, tail: string) => {
        const columns = body
          .split("\n")
          .filter((l) => l.trim())
          .map((l) => l.replace(/,$/, ""));
        return `${head}${columns.sort().join(",\n")}\n${tail}`;
      })
  );
}
