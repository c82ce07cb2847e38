// The files under /static, embedded in the executable by `bun build --compile`: each import
// `with { type: "file" }` is a real path in development and a path inside the binary once
// compiled, so Bun.file() reads either.
import { Elysia } from "elysia";
import htmx from "htmx.org/dist/htmx.min.js" with { type: "file" };
import htmxSse from "htmx-ext-sse/dist/sse.min.js" with { type: "file" };
import swaggerBundle from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };
import swaggerCss from "swagger-ui-dist/swagger-ui.css" with { type: "file" };
import appCss from "../../public/app.css" with { type: "file" };
import appJs from "../../public/app.js" with { type: "file" };
import docsJs from "../../public/docs.js" with { type: "file" };
import favicon from "../../public/favicon.svg" with { type: "file" };

export const STATIC_FILES: Record<string, { path: string; type: string }> = {
  "htmx.min.js": { path: htmx, type: "text/javascript; charset=utf-8" },
  "htmx-ext-sse.min.js": { path: htmxSse, type: "text/javascript; charset=utf-8" },
  "app.css": { path: appCss, type: "text/css; charset=utf-8" },
  "app.js": { path: appJs, type: "text/javascript; charset=utf-8" },
  "docs.js": { path: docsJs, type: "text/javascript; charset=utf-8" },
  "favicon.svg": { path: favicon, type: "image/svg+xml" },
  "swagger-ui-bundle.js": { path: swaggerBundle, type: "text/javascript; charset=utf-8" },
  "swagger-ui.css": { path: swaggerCss, type: "text/css; charset=utf-8" },
};

export function staticRoutes() {
  return new Elysia({ name: "static-files" }).get("/static/:name", ({ params, set }) => {
    // Own keys only: "__proto__" or "constructor" is a file name like any other (not found).
    const file = Object.hasOwn(STATIC_FILES, params.name) ? STATIC_FILES[params.name] : undefined;
    if (!file) {
      set.status = 404;
      return { error: { code: "not_found", message: `No static file '${params.name}'.` } };
    }
    return new Response(Bun.file(file.path), {
      headers: { "content-type": file.type, "cache-control": "public, max-age=3600" },
    });
  }, { detail: { hide: true } });
}
