/**
 * The folder rules of docs/architecture.md, checked on the real import graph of server/ and client/src (every static,
 * type-only, re-export and dynamic import, relative paths and the tsconfig aliases resolved).
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const EXTENSIONS = [".ts", ".tsx", ".d.ts"];
const ALIASES: Record<string, string> = { "@/": "client/src/", "@shared/": "shared/" };

interface Import {
  from: string;
  /** Repository-relative path of an app file, or the package name ("express", "node:fs"). */
  to: string;
  internal: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === "migrations" ? [] : sourceFiles(rel);
    return /\.tsx?$/.test(entry.name) ? [rel] : [];
  });
}

function resolveFile(base: string): string | null {
  for (const candidate of [base, ...EXTENSIONS.map((ext) => base + ext), ...EXTENSIONS.map((ext) => `${base}/index${ext}`)]) {
    const full = path.join(ROOT, candidate);
    if (fs.existsSync(full) && fs.statSync(full).isFile()) return candidate;
  }
  return null;
}

function resolveImport(from: string, specifier: string): Import {
  let base: string | null = null;
  if (specifier.startsWith(".")) base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const [alias, target] of Object.entries(ALIASES)) {
    if (specifier.startsWith(alias)) base = target + specifier.slice(alias.length);
  }
  if (base === null) {
    const parts = specifier.split("/");
    return { from, to: specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0], internal: false };
  }
  const resolved = resolveFile(base);
  if (!resolved) throw new Error(`${from}: cannot resolve "${specifier}"`);
  return { from, to: resolved, internal: true };
}

function importsOf(file: string): Import[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  return ts.preProcessFile(text, true, true).importedFiles.map((ref) => resolveImport(file, ref.fileName));
}

const files = [...sourceFiles("server"), ...sourceFiles("client/src")];
const imports = files.flatMap(importsOf);

const under = (dir: string) => (file: string) => file.startsWith(`${dir}/`);
const describeImport = (i: Import) => `${i.from} -> ${i.to}`;

function violations(fromDir: string, forbidden: (i: Import) => boolean): string[] {
  return imports.filter((i) => under(fromDir)(i.from) && forbidden(i)).map(describeImport);
}

/** The server "folder" of a file: server/<dir>, and server/services/<dir> for services (server/x.ts is its own). */
function serverFolder(file: string): string {
  const parts = file.split("/");
  if (parts[1] === "services" && parts.length > 3) return parts.slice(0, 3).join("/");
  return parts.length > 2 ? parts.slice(0, 2).join("/") : file;
}

/** Strongly connected components (Tarjan) of more than one node. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!indices.has(node)) visit(node);
  return found;
}

describe("server layering: routes -> services -> db | elevenlabs", () => {
  const app = (i: Import) => i.internal && !under("shared")(i.to);

  it("routes never reach the database", () => {
    expect(violations("server/routes", (i) => under("server/db")(i.to))).toEqual([]);
  });

  it("services never import routes, the request layer or express", () => {
    expect(
      violations(
        "server/services",
        (i) =>
          under("server/routes")(i.to) ||
          under("server/auth")(i.to) ||
          i.to === "express" ||
          i.to === "express-session" ||
          i.to === "server/app.ts",
      ),
    ).toEqual([]);
  });

  it("db never imports services, routes, auth or jobs", () => {
    expect(
      violations("server/db", (i) => ["server/services", "server/routes", "server/auth", "server/jobs"].some((d) => under(d)(i.to))),
    ).toEqual([]);
  });

  it("elevenlabs is a leaf: lib and shared only", () => {
    expect(violations("server/elevenlabs", (i) => app(i) && !under("server/elevenlabs")(i.to) && !under("server/lib")(i.to))).toEqual([]);
  });

  it("lib imports nothing of the app", () => {
    expect(violations("server/lib", (i) => app(i) && !under("server/lib")(i.to))).toEqual([]);
  });

  it("no import cycles between server folders", () => {
    const edges = new Map<string, Set<string>>();
    for (const i of imports) {
      if (!under("server")(i.from) || !i.internal || !under("server")(i.to)) continue;
      const from = serverFolder(i.from);
      const to = serverFolder(i.to);
      if (from === to) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
    expect(cycles(edges)).toEqual([]);
  });
});

describe("client layering: routes compose features; features never import each other", () => {
  const feature = (file: string) => /^client\/src\/features\/([^/]+)\//.exec(file)?.[1];

  it("a feature never imports another feature", () => {
    const crossing = imports.filter((i) => feature(i.from) && feature(i.to) && feature(i.from) !== feature(i.to));
    expect(crossing.map(describeImport)).toEqual([]);
  });

  it("only the router imports route pages", () => {
    const pages = imports.filter(
      (i) => under("client/src/routes")(i.to) && i.from !== "client/src/app.tsx" && !under("client/src/routes")(i.from),
    );
    expect(pages.map(describeImport)).toEqual([]);
  });

  it("shared components and lib never import features", () => {
    const up = imports.filter(
      (i) => (under("client/src/components")(i.from) || under("client/src/lib")(i.from)) && under("client/src/features")(i.to),
    );
    expect(up.map(describeImport)).toEqual([]);
  });

  it("the router lives in one place", () => {
    const routers = files.filter((file) => {
      if (!under("client/src")(file)) return false;
      const text = fs.readFileSync(path.join(ROOT, file), "utf8");
      return /import\s*\{[^}]*\b(Route|Switch|Router)\b[^}]*\}\s*from\s*"wouter"/.test(text);
    });
    expect(routers).toEqual(["client/src/app.tsx"]);
  });
});

describe("the import graph itself", () => {
  it("is read: the known edges are there", () => {
    expect(imports.map(describeImport)).toEqual(
      expect.arrayContaining(["server/app.ts -> express", "client/src/app.tsx -> wouter", "server/routes/api-router.ts -> server/lib/errors.ts"]),
    );
  });
});
