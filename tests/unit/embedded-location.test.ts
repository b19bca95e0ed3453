/** Where the embedded PostgreSQL's files go: DATA_DIR/pg, or, as root out of the postgres user's reach, a directory of its own. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { embeddedLocation, reachableByOthers, ROOT_RUNTIME_BASE } from "../../server/db/embedded-location";

const unreachable = () => false;
const reachable = () => true;

describe("embeddedLocation", () => {
  it("keeps DATA_DIR/pg for a normal user, wherever the project is", () => {
    const location = embeddedLocation("/root/voiceai-dashboard/.data", { root: false, reachable: unreachable });
    expect(location.databaseDir).toBe("/root/voiceai-dashboard/.data/pg");
  });

  it("keeps DATA_DIR/pg as root when the postgres user can reach it", () => {
    expect(embeddedLocation("/opt/voiceai-dashboard/.data", { root: true, reachable }).databaseDir).toBe("/opt/voiceai-dashboard/.data/pg");
  });

  it("asks whether DATA_DIR is reachable, not pg (the postgres user's own directory, mode 700, once made)", () => {
    const asked: string[] = [];
    embeddedLocation("/opt/voiceai-dashboard/.data", { root: true, reachable: (dir) => (asked.push(dir), true) });
    expect(asked).toEqual(["/opt/voiceai-dashboard/.data"]);
  });

  it("as root out of the postgres user's reach, uses a directory under /var/lib named after the project and keyed by DATA_DIR", () => {
    const location = embeddedLocation("/root/voiceai-dashboard/.data", { root: true, reachable: unreachable });
    expect(location.databaseDir).toMatch(new RegExp(`^${ROOT_RUNTIME_BASE}/voiceai-dashboard-[0-9a-f]{12}/pg$`));
    expect(location.databaseDir).toBe(path.join(location.runtimeDir, "pg"));
    expect(location.inPlaceDir).toBe("/root/voiceai-dashboard/.data/pg");
    // Every start of the same clone finds the same database; another clone gets its own.
    expect(embeddedLocation("/root/voiceai-dashboard/.data", { root: true, reachable: unreachable }).databaseDir).toBe(location.databaseDir);
    expect(embeddedLocation("/root/voiceai-dashboard-2/.data", { root: true, reachable: unreachable }).databaseDir).not.toBe(location.databaseDir);
    expect(embeddedLocation("/root/other/voiceai-dashboard/.data", { root: true, reachable: unreachable }).databaseDir).not.toBe(location.databaseDir);
    // A relative DATA_DIR is the absolute one.
    const relative = embeddedLocation(path.relative(process.cwd(), "/root/voiceai-dashboard/.data"), { root: true, reachable: unreachable });
    expect(relative.databaseDir).toBe(location.databaseDir);
  });
});

describe("reachableByOthers", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("is false below a directory others cannot enter (a home directory of mode 700), true otherwise", () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), "vad-reach-"));
    dirs.push(top);
    fs.mkdirSync(path.join(top, "project", ".data"), { recursive: true });
    fs.chmodSync(top, 0o755);
    fs.chmodSync(path.join(top, "project"), 0o755);
    fs.chmodSync(path.join(top, "project", ".data"), 0o755);
    // pg is not created yet: its parents decide.
    expect(reachableByOthers(path.join(top, "project", ".data", "pg"))).toBe(true);
    fs.chmodSync(top, 0o700);
    expect(reachableByOthers(path.join(top, "project", ".data", "pg"))).toBe(false);
  });

  it("keeps finding a database whose own directory the first start gave to postgres with mode 700", () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), "vad-reach-"));
    dirs.push(top);
    fs.chmodSync(top, 0o755);
    const dataDir = path.join(top, ".data");
    fs.mkdirSync(path.join(dataDir, "pg"), { recursive: true, mode: 0o700 });
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(path.join(dataDir, "pg"), 0o700);
    expect(embeddedLocation(dataDir, { root: true }).databaseDir).toBe(path.join(dataDir, "pg"));
  });
});
