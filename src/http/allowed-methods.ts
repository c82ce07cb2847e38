// Which methods a path takes, read from the app's route table: a request with another method
// on a known path is answered 405 with `Allow` (RFC 9110 §15.5.6), not 404.

interface Route {
  method: string;
  path: string;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `/bots/:flow_ns/*` as a regular expression over a request path. */
function routePattern(path: string): RegExp {
  const source = path
    .split("/")
    .map((segment) => (segment === "*" ? ".*" : segment.startsWith(":") ? "[^/]+" : escapeRegExp(segment)))
    .join("/");
  return new RegExp(`^${source}$`);
}

/** A lookup over the route table, compiled on first use (the table is complete by then). */
export function allowedMethods(routes: () => readonly Route[]): (path: string) => string[] {
  let compiled: { pattern: RegExp; method: string }[] | null = null;
  return (path) => {
    compiled ??= routes().map((route) => ({ pattern: routePattern(route.path), method: route.method.toUpperCase() }));
    const methods = new Set(compiled.filter((route) => route.pattern.test(path)).map((route) => route.method));
    if (methods.has("GET")) methods.add("HEAD"); // Bun answers HEAD for every GET route
    return [...methods].sort();
  };
}
