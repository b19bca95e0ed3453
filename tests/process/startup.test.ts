/**
 * Instances started at the same moment on an empty database all come up: migrations and the job queues' set-up
 * take turns under one PostgreSQL advisory lock instead of racing on CREATE TABLE (or deadlocking in pg-boss).
 */
import { afterAll, describe, expect, it } from "vitest";
import { freshDatabase, rawRequest, removeTempDirs, startServer, tempDir, type ServerProcess } from "./server-process";

const running: ServerProcess[] = [];

afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGKILL");
  await Promise.all(running.map((s) => s.exited));
  removeTempDirs();
}, 60_000);

describe("simultaneous start on an empty database", () => {
  it("brings every instance up", async () => {
    const db = await freshDatabase();
    try {
      const starts = await Promise.allSettled(
        [0, 1, 2].map(async () => {
          const s = await startServer({ databaseUrl: db.url, dataDir: tempDir("vad-start-") });
          running.push(s);
          return s;
        }),
      );
      const failures = starts.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason).slice(0, 1500));
      expect(failures).toEqual([]);
      const servers = starts.map((r) => (r as PromiseFulfilledResult<ServerProcess>).value);
      for (const s of servers) expect((await rawRequest(`${s.url}/readyz`)).status).toBe(200);
      for (const s of servers) s.child.kill("SIGTERM");
      for (const s of servers) expect(await s.exited, s.output().slice(-2000)).toEqual({ code: 0, signal: null });
    } finally {
      await db.drop();
    }
  }, 180_000);
});
