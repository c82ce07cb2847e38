// The drawn architecture, read from the source's imports: a forbidden edge fails here, named.
//   deliveries → inbound, livechat, admin   (the worker knows nothing of who queued what)
//   bots → inbound, contacts, livechat, admin (a bot's deletion is told through bots.onRemoved)
//   lib → db, http, modules, elysia         (lib is plain functions)
//   db → modules                             (storage knows no feature)
//   views → values from modules              (views take data; types only)
//   Elysia only in controllers (index.ts, subscriber*.ts, admin pages, http/, app.ts)
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

/** Every import of the file, resolved to a path under the project (or a package name). */
function importsOf(file: string): Edge[] {
  const text = readFileSync(file, "utf8");
  const edges: Edge[] = [];
  for (const match of text.matchAll(/^import\s+(type\s+)?([^"';]*?)\s*from\s*["']([^"']+)["']/gm)) {
    const [, typeKeyword, names, spec] = match;
    // `import { type A, type B }` is type-only too.
    const typeOnly = Boolean(typeKeyword) || (/^\{[^}]*\}$/.test(names!.trim()) && names!.replace(/[{}\s]/g, "").split(",").filter(Boolean).every((n) => n.startsWith("type")));
    const to = spec!.startsWith(".") ? relative(ROOT, resolve(dirname(file), spec!)) : spec!;
    edges.push({ from: relative(ROOT, file), to, typeOnly });
  }
  return edges;
}

const edges = [...files(join(ROOT, "src")), ...files(join(ROOT, "views"))].flatMap(importsOf);
const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

const RULES: { name: string; broken: (edge: Edge) => boolean }[] = [
  { name: "deliveries does not import inbound, livechat or admin", broken: (e) => under(e.from, "src/modules/deliveries") && ["src/modules/inbound", "src/modules/livechat", "src/modules/admin"].some((m) => under(e.to, m)) },
  { name: "bots does not import inbound, contacts, livechat or admin", broken: (e) => under(e.from, "src/modules/bots") && ["src/modules/inbound", "src/modules/contacts", "src/modules/livechat", "src/modules/admin"].some((m) => under(e.to, m)) },
  { name: "lib imports no db, http, module or elysia", broken: (e) => under(e.from, "src/lib") && (["src/db", "src/http", "src/modules"].some((m) => under(e.to, m)) || e.to === "elysia") },
  { name: "db imports no module", broken: (e) => under(e.from, "src/db") && under(e.to, "src/modules") },
  { name: "views import only types from modules", broken: (e) => under(e.from, "views") && under(e.to, "src/modules") && !e.typeOnly },
  {
    name: "only controllers import Elysia",
    broken: (e) =>
      e.to === "elysia" &&
      !(/^src\/modules\/[^/]+\/(index|subscriber|subscriber-flow|subscriber-json|model)\.tsx?$/.test(e.from) || under(e.from, "src/modules/admin") || under(e.from, "src/http") || e.from === "src/app.ts" || under(e.from, "src/static") || under(e.from, "src/modules/live")),
  },
];

describe("architecture", () => {
  test("the source has imports to read", () => {
    expect(edges.length).toBeGreaterThan(200);
  });
  for (const rule of RULES) {
    test(rule.name, () => {
      expect(edges.filter(rule.broken).map((e) => `${e.from} → ${e.to}`)).toEqual([]);
    });
  }

  test("every Elysia plugin has a name (so it is applied once, however often it is used)", () => {
    const unnamed = files(join(ROOT, "src")).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/new Elysia\(([^)]*)\)/g)].filter((m) => !/\bname:/.test(m[1]!)).map(() => relative(ROOT, file)),
    );
    expect(unnamed.filter((file) => file !== "src/app.ts")).toEqual([]);
  });
});
