/**
 * Client bytes per route: the entry's static import graph plus each route's lazily loaded chunks and their static
 * imports, gzip level 9 (what a first visit downloads; the e2e bundle-size spec measures the same in a browser).
 */
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import type { ResultRow, ScenarioResult } from "../context";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DIST = path.join(ROOT, "dist/public");
const KB = 1024;

/** Routes: the lazy chunks (by file name prefix) a first visit loads on top of the entry. */
const ROUTES: Array<{ route: string; chunks: string[]; budgetKb?: number }> = [
  { route: "/ (landing)", chunks: ["landing"], budgetKb: 150 },
  { route: "/login", chunks: ["login"], budgetKb: 150 },
  { route: "/register", chunks: ["register"], budgetKb: 150 },
  {
    route: "/dashboard (shell + dashboard + chart)",
    chunks: ["signed-in-app", "dashboard", "lazy-daily-usage-chart", "daily-usage-chart"],
    budgetKb: 300,
  },
  { route: "/history", chunks: ["signed-in-app", "history"] },
  { route: "/agents", chunks: ["signed-in-app", "agents"] },
  { route: "/integrations", chunks: ["signed-in-app", "integrations"] },
  { route: "/billing", chunks: ["signed-in-app", "billing"] },
  { route: "/team", chunks: ["signed-in-app", "team"] },
];

function staticImports(file: string): string[] {
  const text = fs.readFileSync(path.join(DIST, "assets", file), "utf8");
  const found = new Set<string>();
  for (const m of text.matchAll(/(?:from|import)\s*["']\.\/([^"'`]+\.js)["']/g)) found.add(m[1]);
  return [...found];
}

function closure(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    stack.push(...staticImports(f));
  }
  return seen;
}

export async function bundleScenario(log: (m: string) => void): Promise<ScenarioResult> {
  const notes: string[] = [];
  if (!fs.existsSync(path.join(DIST, "index.html"))) {
    log("  dist/public missing: npm run build");
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
    notes.push("dist/public was built by this run (npm run build).");
  } else {
    notes.push(
      `Measured the existing dist/public (index.html built ${fs.statSync(path.join(DIST, "index.html")).mtime.toISOString()}); run \`npm run build\` first to measure the current sources.`,
    );
  }
  const html = fs.readFileSync(path.join(DIST, "index.html"), "utf8");
  const entry = html.match(/<script[^>]+src="\/assets\/([^"]+\.js)"/)?.[1];
  if (!entry) throw new Error("no entry script in dist/public/index.html");
  const assets = fs.readdirSync(path.join(DIST, "assets")).filter((f) => f.endsWith(".js"));
  const gz = new Map<string, number>();
  const size = (f: string) => {
    if (!gz.has(f)) gz.set(f, gzipSync(fs.readFileSync(path.join(DIST, "assets", f)), { level: 9 }).length);
    return gz.get(f)!;
  };
  const entryFiles = closure([entry]);
  const rows: ResultRow[] = [];
  const data: Array<{ route: string; files: string[]; gzipBytes: number; budgetKb?: number }> = [];
  for (const r of ROUTES) {
    const roots = r.chunks.map((prefix) => {
      const file = assets.find(
        (a) => a.startsWith(`${prefix}-`) && /^[A-Za-z0-9_-]{8}\.js$/.test(a.slice(prefix.length + 1)),
      );
      if (!file) throw new Error(`no chunk for ${prefix} in dist/public/assets`);
      return file;
    });
    const files = new Set([...entryFiles, ...closure(roots)]);
    const bytes = [...files].reduce((s, f) => s + size(f), 0);
    data.push({ route: r.route, files: [...files].sort(), gzipBytes: bytes, budgetKb: r.budgetKb });
    rows.push({
      scenario: "client",
      case: `${r.route} (${files.size} files)`,
      value: `${(bytes / KB).toFixed(1)} KB gzip`,
      target: r.budgetKb ? `< ${r.budgetKb} KB` : undefined,
      met: r.budgetKb ? bytes < r.budgetKb * KB : null,
    });
  }
  const total = assets.reduce((s, f) => s + size(f), 0);
  notes.push(`All JavaScript in dist/public/assets: ${(total / KB).toFixed(1)} KB gzip in ${assets.length} files.`);
  return { name: "client", rows, data, notes };
}
