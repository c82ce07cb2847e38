// Paths into a JSON body: dots and brackets, e.g. `contact.phones[0]`, `data["first name"]`,
// `items[2]['sku']`. A leading `$` or `$.` is allowed. Only own properties are followed, so a
// path can never reach Object.prototype.
export type PathSegment = string | number;
export type ParsedPath = { ok: true; segments: PathSegment[] } | { ok: false; reason: string };

const IDENTIFIER = /^[^.[\]"'\s]+/;

export function parsePath(path: string): ParsedPath {
  if (typeof path !== "string" || path.trim() === "") return { ok: false, reason: "the path is empty" };
  let rest = path.trim().replace(/^\$(\.|(?=\[)|$)/, "");
  const segments: PathSegment[] = [];
  let expectDot = false;
  while (rest.length > 0) {
    if (rest.startsWith("[")) {
      const index = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\[\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\]/.exec(rest);
      if (index) {
        segments.push(Number(index[1]));
        rest = rest.slice(index[0].length);
      } else if (quoted) {
        const raw = quoted[1]!;
        segments.push(raw.slice(1, -1).replace(/\\(.)/g, "$1"));
        rest = rest.slice(quoted[0].length);
      } else {
        return { ok: false, reason: `bad bracket at '${rest.slice(0, 20)}': use [0] or ["key"]` };
      }
      expectDot = true;
      continue;
    }
    if (expectDot) {
      if (!rest.startsWith(".")) return { ok: false, reason: `expected '.' or '[' at '${rest.slice(0, 20)}'` };
      rest = rest.slice(1);
    }
    const name = IDENTIFIER.exec(rest);
    if (!name) return { ok: false, reason: `expected a key at '${rest.slice(0, 20) || "the end"}'` };
    segments.push(name[0]);
    rest = rest.slice(name[0].length);
    expectDot = true;
  }
  if (segments.length === 0) return { ok: false, reason: "the path names nothing" };
  if (segments.length > 32) return { ok: false, reason: "the path is deeper than 32 steps" };
  return { ok: true, segments };
}

/** The value at the path, or undefined when any step is missing. */
export function readPath(value: unknown, segments: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (current === null || typeof current !== "object") return undefined;
    if (typeof segment === "number" || (Array.isArray(current) && /^\d+$/.test(segment))) {
      // `items.0` reads like `items[0]` when `items` is an array.
      if (!Array.isArray(current)) return undefined;
      current = current[Number(segment)];
    } else {
      if (Array.isArray(current) || !Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

// Saved paths are read on every request: each is parsed once. Bounded, as API clients can send
// paths of their own (templates, previews).
const parsedPaths = new Map<string, ParsedPath>();

/** Convenience for a path already known to be valid (checked when it was saved). */
export function readAt(value: unknown, path: string): unknown {
  let parsed = parsedPaths.get(path);
  if (!parsed) {
    parsed = parsePath(path);
    if (parsedPaths.size >= 10_000) parsedPaths.clear();
    parsedPaths.set(path, parsed);
  }
  return parsed.ok ? readPath(value, parsed.segments) : undefined;
}

/** The canonical text of a path, as the admin's tree writes it. */
export function formatPath(segments: readonly PathSegment[]): string {
  return segments
    .map((segment, i) => {
      if (typeof segment === "number") return `[${segment}]`;
      // A bare key may not start with "$": a leading "$" means the root of the body.
      if (/^[A-Za-z_][\w$-]*$/.test(segment)) return i === 0 ? segment : `.${segment}`;
      return `[${JSON.stringify(segment)}]`;
    })
    .join("");
}
