/** Cold start: `node --import tsx server/index.ts` (what `npm start` runs) on an existing DATA_DIR, until /readyz answers 200. */
import http from "node:http";
import path from "node:path";
import { spawn } from "node:child_process";
import { freePort } from "../../server/db/embedded";

const ROOT = path.resolve(import.meta.dirname, "../..");

function readyz(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/readyz", timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
    req.on("timeout", () => {
      req.destroy();
      resolve(0);
    });
  });
}

/** Boots the server once; returns seconds to the first /readyz 200, then stops it (SIGTERM: its graceful shutdown stops PostgreSQL). */
export async function bootOnce(dataDir: string, timeoutMs = 120_000): Promise<number> {
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: "warn",
    SYNC_INTERVAL_SECONDS: "0",
  };
  delete env.DATABASE_URL;
  delete env.NODE_ENV;
  const t0 = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  let seconds = NaN;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) before ready: ${stderr}`);
      if ((await readyz(port)) === 200) {
        seconds = (performance.now() - t0) / 1000;
        break;
      }
      if (performance.now() - t0 > timeoutMs) throw new Error(`not ready after ${timeoutMs} ms: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    if (child.exitCode === null && child.pid) {
      child.kill("SIGTERM");
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 30_000))]);
      if (code === "timeout") process.kill(-child.pid, "SIGKILL");
    }
  }
  return seconds;
}
