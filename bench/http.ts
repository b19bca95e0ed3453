/** A small keep-alive HTTP load generator (no autocannon in the tree): closed-loop workers, latency per request. */
import http from "node:http";
import fs from "node:fs";
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";

export type Req = { method: "GET" | "POST"; path: string; headers?: Record<string, string>; body?: string | Buffer };
export type Res = { status: number; body: string; headers: http.IncomingHttpHeaders };

export function makeClient(baseUrl: string, maxSockets: number) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  function send(r: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...(r.headers ?? {}) };
      if (r.body !== undefined) headers["content-length"] = Buffer.byteLength(r.body);
      const req = http.request(
        { host: url.hostname, port: url.port, method: r.method, path: r.path, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString("utf8"),
              headers: res.headers,
            }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      if (r.body !== undefined) req.write(r.body);
      req.end();
    });
  }
  return { send, close: () => agent.destroy() };
}

export type Client = ReturnType<typeof makeClient>;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export type LoadResult = {
  concurrency: number;
  seconds: number;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  firstError?: string;
};

/** `concurrency` workers send requests back to back for `seconds`; non-2xx answers count as errors. */
export async function runLoad(
  client: Client,
  concurrency: number,
  seconds: number,
  next: () => Req,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          const res = await client.send(next());
          if (res.status < 200 || res.status >= 300) {
            errors++;
            firstError ??= `${res.status} ${res.body.slice(0, 200)}`;
          } else latencies.push(performance.now() - t);
        } catch (err) {
          errors++;
          firstError ??= String(err);
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    seconds: elapsed,
    requests: latencies.length,
    errors,
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    firstError,
  };
}

export type Timing = { n: number; p50: number; p95: number; mean: number };

/** Runs `fn` sequentially: `warmup` untimed, then `n` timed. */
export async function timeSequential(n: number, warmup: number, fn: (i: number) => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { n, p50: percentile(ms, 50), p95: percentile(ms, 95), mean: ms.reduce((s, x) => s + x, 0) / n };
}

/** Resident set size of a process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = status.match(/VmRSS:\s+(\d+)\s+kB/);
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the peak. */
export function sampleRss(pid: number, everyMs = 100) {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    const v = rssMb(pid);
    if (v > peak) peak = v;
  }, everyMs);
  return { stop: () => (clearInterval(timer), peak) };
}

export type Child = { child: ChildProcess; url: string; pid: number; stop: () => Promise<void> };

/** Forks a TypeScript module (through tsx, in one process) that reports { port } over IPC. */
/** Child side of forkServer: listens on a free port, reports it over IPC, and stops with the parent or on SIGTERM. */
export function serveToParent(app: http.RequestListener, pool: { end: () => Promise<void> }): void {
  const server = http.createServer(app).listen(0, "127.0.0.1", () => {
    const address = server.address();
    process.send?.({ port: typeof address === "object" && address ? address.port : 0 });
  });
  server.keepAliveTimeout = 65_000;
  process.on("disconnect", () => process.exit(0));
  process.on("SIGTERM", () => {
    server.close();
    void pool.end().finally(() => process.exit(0));
    // A delivery still streaming (or a pool client never released) must not keep the process, and its CPU profile.
    setTimeout(() => process.exit(0), 2_000).unref();
  });
}

export async function forkServer(file: string, env: Record<string, string>): Promise<Child> {
  const child = fork(path.resolve(import.meta.dirname, file), [], {
    // BENCH_CPU_PROFILE=<dir>: the servers write V8 CPU profiles there when they exit (open them in Chrome DevTools).
    execArgv: ["--import", "tsx", ...(process.env.BENCH_CPU_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [])],
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start in 60 s`)), 60_000);
    child.once("message", (m: { port: number }) => {
      clearTimeout(timer);
      resolve(m.port);
    });
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

/** Like timeSequential for several functions, taking turns every iteration so machine noise hits all of them alike. */
export async function timeInterleaved(
  n: number,
  warmup: number,
  fns: Array<() => Promise<unknown>>,
): Promise<Timing[]> {
  const ms: number[][] = fns.map(() => []);
  for (let i = 0; i < warmup + n; i++) {
    for (let f = 0; f < fns.length; f++) {
      const t = performance.now();
      await fns[f]();
      if (i >= warmup) ms[f].push(performance.now() - t);
    }
  }
  return ms.map((list) => {
    list.sort((a, b) => a - b);
    return { n, p50: percentile(list, 50), p95: percentile(list, 95), mean: list.reduce((s, x) => s + x, 0) / n };
  });
}
